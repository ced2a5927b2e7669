"""Reads of monitoring, always from ``visible_to(user)`` (STYLE rule 2), by concern: ``queues`` (who takes the
pending step, how long it has waited, what a user may do now), ``eligibility`` (the checks of entry and elimination),
``notices`` (the printable notice sheets) and ``suggestions`` (一户一策). Who may act is ``monitoring.permissions``."""
