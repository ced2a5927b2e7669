"""Indicators and their targets (SPEC §13.2, §13.3): the rule that holds an actual value against a target
(``rules``), the values the registry computes (``registry``), the table of a viewer's area and year
(``selectors``), entering a value (``services``) and the page and API that show the table."""
