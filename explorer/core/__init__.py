"""Numbers only: torch and numpy (torchvision where it is installed, for IDX parsing). Nothing here imports Qt."""
