"""Everyone's start page: what to do next, gathered from every domain."""
