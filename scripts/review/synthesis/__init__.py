"""What the evidence says: study characteristics, certainty ratings, rated summaries, forest plots."""
