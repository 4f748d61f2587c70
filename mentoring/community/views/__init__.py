"""The community's pages, one module per topic."""
