"""Recurrent nets (SRN, LSTM) learning a^n b^2n and a^n b^2n c^3n: languages, models, training, analysis."""
