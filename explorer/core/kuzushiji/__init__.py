"""Kuzushiji-MNIST: getting the data, the three nets, training and evaluation.

``classes`` names the ten hiragana, ``dataset`` reads and stores the data,
``download`` fetches it from an ordered list of mirrors.
"""
