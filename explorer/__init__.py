"""Neural Dynamics Explorer: look inside small neural networks while they learn."""

__version__ = "0.1.0"
