"""The two-layer MLP experiment: 2-D data, a 2-H-1 network (sigmoid or step), hand weights,
training by the course recipe and the analysis the MLP tab draws (lines, regions, tables)."""
