"""The Kuzushiji-MNIST tab: data, training, evaluation and drawing pages and their widgets."""
