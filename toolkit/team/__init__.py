"""Teams: independent annotation by several annotators, agreement between them, adjudication.

    assign.py     who annotates what: one doccano project per annotator, assignments in the store
    agreement.py  pure agreement metrics (span F1, Cohen's kappa, Krippendorff's alpha, relation F1)
    report.py     the agreement report of a team project, from the store (text, JSON, HTML)
    review.py     adjudication: consensus gold, a review project, adjudicated gold
"""
