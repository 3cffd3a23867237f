"""Picture passwords for pupils who cannot read yet (issue 18): each pupil of a class that uses
them signs in with a sequence of 3 pictures out of the 12 of catalogue.PICTURES."""
