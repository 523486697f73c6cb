"""Kuzushiji-MNIST and Kuzushiji-49: getting the data, the three nets, training and evaluation.

``datasets`` describes each data set (classes, files, checkpoints), ``dataset`` reads and stores the data,
``download`` fetches it from an ordered list of mirrors.
"""
