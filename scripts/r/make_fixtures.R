# Reference values for numeduc.stats, computed with R and FactoMineR.
#
# Usage (from the repository root):
#   Rscript scripts/r/make_fixtures.R
# Needs: r-base-core, r-cran-factominer (brings flashClust), r-cran-jsonlite.
# Writes JSON/CSV files into tests/fixtures/factominer/. Every number the tests
# compare against comes from this script; nothing is typed by hand.
suppressPackageStartupMessages({
  library(FactoMineR)
  library(jsonlite)
})
out <- "tests/fixtures/factominer"
dir.create(out, showWarnings = FALSE, recursive = TRUE)

# matrix/data.frame -> {row: {col: value}}
tab <- function(m) {
  m <- as.matrix(m)
  if (is.null(colnames(m))) colnames(m) <- paste0("V", seq_len(ncol(m)))
  rows <- lapply(seq_len(nrow(m)), function(i) as.list(setNames(unname(m[i, ]), colnames(m))))
  setNames(rows, rownames(m))
}
named <- function(v) as.list(v)
save_json <- function(x, name) {
  writeLines(toJSON(x, auto_unbox = TRUE, digits = I(17), null = "null", pretty = TRUE),
             file.path(out, name))
}
versions <- list(R = R.version.string,
                 FactoMineR = as.character(packageVersion("FactoMineR")),
                 flashClust = as.character(packageVersion("flashClust")))

# ---------------------------------------------------------------- decathlon
dec <- read.csv("tests/fixtures/decathlon.csv", check.names = FALSE, row.names = 1)
dec$Competition <- factor(dec$Competition)
res <- PCA(dec, quanti.sup = 11:12, quali.sup = 13, graph = FALSE)
save_json(list(
  versions = versions,
  call = "PCA(decathlon, quanti.sup = 11:12, quali.sup = 13, graph = FALSE)",
  eig = tab(res$eig),
  var = list(coord = tab(res$var$coord), cor = tab(res$var$cor),
             cos2 = tab(res$var$cos2), contrib = tab(res$var$contrib)),
  ind = list(coord = tab(res$ind$coord), cos2 = tab(res$ind$cos2),
             contrib = tab(res$ind$contrib), dist = named(res$ind$dist)),
  quanti_sup = list(coord = tab(res$quanti.sup$coord), cos2 = tab(res$quanti.sup$cos2)),
  quali_sup = list(coord = tab(res$quali.sup$coord), cos2 = tab(res$quali.sup$cos2),
                   v_test = tab(res$quali.sup$v.test), eta2 = tab(res$quali.sup$eta2))
), "decathlon_pca.json")

# ncp = 3 and unscaled variant (checks ncp truncation and scale.unit = FALSE)
res3 <- PCA(dec[, 1:10], ncp = 3, scale.unit = FALSE, graph = FALSE)
save_json(list(eig = tab(res3$eig), var_coord = tab(res3$var$coord),
               var_cor = tab(res3$var$cor), var_contrib = tab(res3$var$contrib),
               ind_coord = tab(res3$ind$coord), ind_cos2 = tab(res3$ind$cos2)),
          "decathlon_pca_unscaled_ncp3.json")

# Row weights (normalised by PCA; HCPC builds its tree with the raw weights as members).
hcpc_json <- function(h, n_clusters) {
  cl <- setNames(as.integer(as.character(h$data.clust$clust)), rownames(h$data.clust))
  list(n_clusters = n_clusters,
       clusters = named(cl),
       inert_gain = h$call$t$inert.gain,
       within = h$call$t$within,
       quot = h$call$t$quot,
       bw_before_consol = h$call$bw.before.consol,
       bw_after_consol = if (is.null(h$call$bw.after.consol)) NULL else h$call$bw.after.consol)
}
h_auto <- HCPC(res, nb.clust = -1, graph = FALSE)
h_noc <- HCPC(res, nb.clust = -1, consol = FALSE, graph = FALSE)
h_3 <- HCPC(res, nb.clust = 3, graph = FALSE)
h_6 <- HCPC(res, nb.clust = 6, graph = FALSE)
row_w <- rep(c(1, 2, 3), length.out = nrow(dec))
res_w <- PCA(dec[, 1:10], row.w = row_w, graph = FALSE)
h_w <- HCPC(res_w, nb.clust = -1, consol = FALSE, graph = FALSE)
save_json(list(row_w = row_w, eig = tab(res_w$eig), ind_coord = tab(res_w$ind$coord),
               ind_contrib = tab(res_w$ind$contrib), var_coord = tab(res_w$var$coord),
               hcpc_no_consolidation = hcpc_json(h_w, length(levels(h_w$data.clust$clust)))),
          "decathlon_row_weights.json")
save_json(list(
  versions = versions,
  auto = hcpc_json(h_auto, length(levels(h_auto$data.clust$clust))),
  auto_no_consolidation = hcpc_json(h_noc, length(levels(h_noc$data.clust$clust))),
  k3 = hcpc_json(h_3, 3), k6 = hcpc_json(h_6, 6),
  sizes_auto = as.integer(table(h_auto$data.clust$clust)),
  sizes_no_consolidation = as.integer(table(h_noc$data.clust$clust))
), "decathlon_hcpc.json")

# ---------------------------------------------------------------- USArrests
data(USArrests)
write.csv(cbind(state = rownames(USArrests), USArrests), file.path(out, "usarrests.csv"),
          row.names = FALSE)
Xs <- scale(USArrests)                       # R convention: sample sd (n - 1)
hc <- hclust(dist(Xs), "ward.D2")
n_us <- nrow(USArrests)
Xp <- scale(USArrests) * sqrt(n_us / (n_us - 1))   # population sd (FactoMineR convention)
hcp <- hclust(dist(Xp), "ward.D2")
hcr <- hclust(dist(as.matrix(USArrests)), "ward.D2")
cuts <- function(h, ks) setNames(lapply(ks, function(k) named(cutree(h, k))), paste0("k", ks))
res_us <- PCA(USArrests, graph = FALSE)
h_us <- HCPC(res_us, nb.clust = -1, graph = FALSE)
h_us_noc <- HCPC(res_us, nb.clust = -1, consol = FALSE, graph = FALSE)
save_json(list(
  versions = versions,
  sample = list(merge = hc$merge, height = hc$height, cutree = cuts(hc, 2:8),
                cophenetic = cor(cophenetic(hc), dist(Xs))),
  population = list(height = hcp$height, cutree = cuts(hcp, 2:8),
                    cophenetic = cor(cophenetic(hcp), dist(Xp))),
  none = list(height = hcr$height, cutree = cuts(hcr, 2:8),
              cophenetic = cor(cophenetic(hcr), dist(as.matrix(USArrests)))),
  hcpc = hcpc_json(h_us, length(levels(h_us$data.clust$clust))),
  hcpc_no_consolidation = hcpc_json(h_us_noc, length(levels(h_us_noc$data.clust$clust)))
), "usarrests.json")

# ------------------------------------------------- simulated 1-4 answers (ties)
set.seed(2017)
n <- 40
latent <- rnorm(n)
sim <- sapply(1:13, function(j) {
  pmin(4, pmax(1, round(2.5 + 0.7 * latent + rnorm(n, sd = 0.9))))
})
colnames(sim) <- paste0("Q", 1:13)
rownames(sim) <- sprintf("D%02d", 1:n)
sim <- as.data.frame(sim)
group <- rep(c("A", "B"), length.out = n)
write.csv(cbind(dep = rownames(sim), sim), file.path(out, "sim_answers.csv"), row.names = FALSE)

res_sim <- PCA(sim, graph = FALSE)
h_sim <- HCPC(res_sim, nb.clust = -1, graph = FALSE)
h_sim4 <- HCPC(res_sim, nb.clust = 4, graph = FALSE)
# Raw integer answers Q1..Q3 (many exact ties): the hclust.f tie order matters.
q3 <- as.matrix(sim[, 1:3])
set.seed(7)
perms <- lapply(1:30, function(i) if (i == 1) seq_len(n) else sample(n))
raw_orders <- lapply(perms, function(p) {
  x <- q3[p, ]
  h <- hclust(dist(x), "ward.D2")
  hs <- hclust(dist(scale(x)), "ward.D2")   # standardised (R scale(): sample sd)
  xd <- as.data.frame(x)
  rp <- PCA(xd, graph = FALSE)
  hp <- HCPC(rp, nb.clust = 4, graph = FALSE)
  ha <- HCPC(rp, nb.clust = -1, graph = FALSE)
  # R's coordinates bit for bit (hexadecimal floats): feeding them to numeduc's HCPC
  # separates "same algorithm" from "same LAPACK rounding noise".
  coord_hex <- matrix(sprintf("%a", as.matrix(rp$ind$coord)), nrow(rp$ind$coord))
  list(order = p, height = h$height, merge = h$merge, cutree = cuts(h, 2:8),
       coord_hex = coord_hex, coord_rownames = rownames(rp$ind$coord),
       hcpc_k4 = hcpc_json(hp, 4), hcpc_auto = hcpc_json(ha, length(levels(ha$data.clust$clust))),
       scaled_merge = hs$merge, scaled_height = hs$height, scaled_cutree = cuts(hs, 2:8))
})
save_json(list(
  versions = versions,
  pca_eig = tab(res_sim$eig),
  hcpc_auto = hcpc_json(h_sim, length(levels(h_sim$data.clust$clust))),
  hcpc_k4 = hcpc_json(h_sim4, 4),
  raw_q1_q3 = raw_orders
), "sim_answers.json")

# ---------------------------------------------------------------- correlations
cor_json <- function(X) {
  X <- as.data.frame(X)
  out <- list()
  for (m in c("pearson", "spearman", "kendall")) {
    p <- matrix(NA_real_, ncol(X), ncol(X), dimnames = list(colnames(X), colnames(X)))
    p_approx <- p
    for (i in seq_len(ncol(X))) for (j in seq_len(ncol(X))) {
      if (i == j) { p[i, j] <- 0; p_approx[i, j] <- 0; next }
      p[i, j] <- suppressWarnings(cor.test(X[[i]], X[[j]], method = m)$p.value)
      p_approx[i, j] <- suppressWarnings(
        if (m == "pearson") cor.test(X[[i]], X[[j]])$p.value
        else cor.test(X[[i]], X[[j]], method = m, exact = FALSE)$p.value)
    }
    out[[m]] <- list(matrix = tab(cor(X, method = m)), p_values = tab(p),
                     p_values_exact_false = tab(p_approx))
  }
  out
}
# With missing values: pairwise complete observations.
dec_na <- dec[, 1:10]
dec_na[3, 1] <- NA; dec_na[10, 4] <- NA; dec_na[20, 4] <- NA
cor_na <- list()
for (m in c("pearson", "spearman", "kendall")) {
  cor_na[[m]] <- tab(cor(dec_na, method = m, use = "pairwise.complete.obs"))
}
save_json(list(versions = versions,
               decathlon = cor_json(dec[, 1:10]),
               sim = cor_json(sim),
               decathlon_with_na = cor_na,
               na_cells = list(c(3, 1), c(10, 4), c(20, 4))),
          "correlations.json")

# ------------------------------------------------ tests against a grouping
grp3 <- rep(c("g1", "g2", "g3"), length.out = n)
ord3 <- rep(1:3, length.out = n)
kw <- lapply(sim, function(v) kruskal.test(v, factor(grp3)))
save_json(list(
  groups = grp3,
  kruskal = lapply(kw, function(k) list(statistic = unname(k$statistic),
                                        p_value = k$p.value, df = unname(k$parameter))),
  wilcox = lapply(sim, function(v) {
    w <- suppressWarnings(wilcox.test(v[group == "A"], v[group == "B"], exact = FALSE, correct = TRUE))
    list(statistic = unname(w$statistic), p_value = w$p.value)
  }),
  spearman_trend = lapply(sim, function(v) {
    t <- suppressWarnings(cor.test(v, ord3, method = "spearman", exact = FALSE))
    list(rho = unname(t$estimate), p_value = t$p.value)
  })
), "group_tests.json")
# ------------------------------------ random tie-heavy integer matrices (hclust.f)
set.seed(11)
tie_cases <- lapply(1:100, function(t) {
  n <- sample(3:30, 1); p <- sample(1:5, 1)
  pool <- if (t %% 2 == 0) 1:4 else c(1, 1, 1, 2, 3, 4)
  x <- matrix(sample(pool, n * p, replace = TRUE), n, p)
  h <- hclust(dist(x), "ward.D2")
  list(x = x, merge = h$merge, height = h$height)
})
save_json(list(versions = versions, cases = tie_cases), "ties_random.json")

# ------------------------------------------------ peer groups of départements
# Same recipe as numeduc.stats.peer_groups: log density, Paris (75) left out, missing
# cells replaced by the column mean of the other départements, PCA (4 dims) + HCPC auto.
dep <- read.csv("src/numeduc/data/reference/departements.csv",
                colClasses = c(code = "character", region_code = "character"))
rownames(dep) <- dep$code
ind <- dep[, c("density", "poverty_rate", "population_growth", "share_0_19")]
ind$density <- log(ind$density)
fit <- ind[rownames(ind) != "75", ]
for (j in seq_along(fit)) fit[is.na(fit[[j]]), j] <- mean(fit[[j]], na.rm = TRUE)
res_dep <- PCA(fit, graph = FALSE)
h_dep <- HCPC(res_dep, nb.clust = -1, graph = FALSE)
save_json(list(versions = versions, eig = tab(res_dep$eig),
               hcpc = hcpc_json(h_dep, length(levels(h_dep$data.clust$clust)))),
          "departements_peer_groups.json")
cat("fixtures written to", out, "\n")
