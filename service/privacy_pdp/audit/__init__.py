"""For auditors and policy authors: explain and why-not, impact analysis (replay, diff),
the decision matrix and the HTML audit report.

Imports ``privacy_pdp.core`` and, to read ``.tar.gz`` files, ``privacy_pdp.bundle``; nothing
else of the package. ``explain`` is pure so that the server can offer the same answer.
"""
