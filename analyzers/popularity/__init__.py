"""Popularity: how a post or photo is likely to do, and the album ranking built on it.

features.py (the engagement target and what the models read), prior.py (the general prior for a
photo with no history; the image analyzer), personal.py (the account's own model; the profile
analyzer), album_ranking.py (an album best first, near-duplicates grouped). The numbers behind
them are in analyzers/models/POPULARITY.md.
"""
