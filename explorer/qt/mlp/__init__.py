"""The MLP tab: the XOR-style experiment, its region plot, activation table and weights editor."""
