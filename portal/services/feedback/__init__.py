"""意见建议: intake from every channel, the queue, items, the workflow, links and lookups."""
# an item's search words are kept current on every flush by a listener this module registers
from portal.services.feedback import search as search
