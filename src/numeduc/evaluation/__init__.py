"""« Did it work? »: equipment strategies compared within referential groups, and pilots evaluated
against matched collèges (difference-in-differences). Pure core: pandas, numpy and scipy only,
no Django (docs/evaluation.md)."""
