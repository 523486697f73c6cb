"""Everything Qt: the main window, one module per tab, widgets, workers."""

import pyqtgraph as pg

# White figures (they go into reports), smooth lines, and images indexed
# [row, column] so a (true, predicted) matrix is never transposed.
pg.setConfigOptions(antialias=True, background="w", foreground="k", imageAxisOrder="row-major")
