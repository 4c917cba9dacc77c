"""Pure statistics engine of numeduc (no Django): PCA, Ward clustering, HCPC, correlations,
tests on 1-4 answers and peer groups of départements, matching R and FactoMineR.

See ``docs/statistics.md`` for the conventions and the proof of agreement. What cannot be
computed is refused with a :class:`StatsInputError` (``numeduc.stats.checks``).
"""

from .checks import (
    ConstantColumnError,
    DuplicateColumnError,
    EmptyColumnError,
    InfiniteValueError,
    MissingValueError,
    NotNumericError,
    OverflowColumnError,
    StatsInputError,
    TooFewRowsError,
    constant_columns,
)
from .correlation import CorrelationResult, correlation
from .group_tests import (
    GroupTestResult,
    kruskal_wallis,
    ordinal_association,
    spearman_trend,
)
from .hclust import HClustResult, WardResult, cutree_k, hclust_ward, ward
from .hcpc import HCPCResult, hcpc
from .kmeans import KMeansResult, kmeans_hartigan_wong
from .pca import PCAResult, pca
from .peers import PeerGroupResult, peer_groups

__all__ = [
    "ConstantColumnError",
    "CorrelationResult",
    "DuplicateColumnError",
    "EmptyColumnError",
    "GroupTestResult",
    "HCPCResult",
    "HClustResult",
    "InfiniteValueError",
    "KMeansResult",
    "MissingValueError",
    "NotNumericError",
    "OverflowColumnError",
    "PCAResult",
    "PeerGroupResult",
    "StatsInputError",
    "TooFewRowsError",
    "WardResult",
    "constant_columns",
    "correlation",
    "cutree_k",
    "hclust_ward",
    "hcpc",
    "kmeans_hartigan_wong",
    "kruskal_wallis",
    "ordinal_association",
    "pca",
    "peer_groups",
    "spearman_trend",
    "ward",
]
