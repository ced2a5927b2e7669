"""What the registry tells the apps above it (STYLE: the floor below never imports the floor above; it sends). Each
is sent inside the writer's transaction, so a receiver's writes commit or roll back with it."""

from django.dispatch import Signal

# Sent (``household_ids=``, ``actor=``) inside the transaction after households' areas changed: the apps above
# rewrite the place they store on what is still open (sweeps' problems); what reads its place through the household
# follows by itself.
household_areas_changed = Signal()
# Sent (``source=``, ``target=``, ``members={old member id: new member id}``, ``actor=``) after members moved from
# one household to another (a split or a merge): member-level items that are still open follow the person.
household_members_moved = Signal()
# Sent (``absorbed=``, ``survivor=``, ``actor=``) inside a merge before the absorbed household closes: the apps above
# move its open cases to the survivor and answer a dict of what they moved (kept in the events' detail).
households_merged = Signal()
