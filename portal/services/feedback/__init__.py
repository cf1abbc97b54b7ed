"""意见建议: intake from every channel, the queue, items, the workflow, links and lookups."""
