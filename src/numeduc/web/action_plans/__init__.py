"""A département's action plan for a year: actions drawn from the catalogue (numeduc.actions)
or written by its editors, made SMART, followed up and measured at the next campaign."""
