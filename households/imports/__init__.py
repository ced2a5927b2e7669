"""Excel import of households and members, and of households' yearly income (docs/import-template.md).

``columns``  the template: Chinese headers, required flags, allowed values, and how one cell is read
``template`` the blank workbook served for download
``reading``  the uploaded workbook → checked rows (row-level errors only; no database)
``plan``     cross-row and database checks, the preview counts, and the atomic write
``income``   the same for yearly income: its layout, template, plan and write (through ``income_batch_save``)
``services`` the ImportJob lifecycle (upload → validate → commit), called by ``households.tasks``
``selectors``, ``forms``: what the pages in ``households.views_import`` read and accept

This package stays free of imports at package level: ``households.models`` is loaded before it.
"""
