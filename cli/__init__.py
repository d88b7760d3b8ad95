"""The `dutygraph` command line: a thin layer over graphmodel, loaders, queries and dashboard."""
