"""Class blogs: posts, comments, moderation, attachments, the public page and its Atom feed."""
