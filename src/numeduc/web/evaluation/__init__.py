"""« Did it work? » pages: equipment strategies declared per collège and compared, pilots
evaluated against matched collèges (numeduc.evaluation; docs/evaluation.md)."""
