"""The recurrent tab: languages of a^n b^n, state views, sequence bar and step panel."""
