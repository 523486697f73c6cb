"""Numbers only: torch, numpy, torchvision. Nothing here imports Qt."""
