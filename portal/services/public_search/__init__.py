"""全站搜索: the public search over problems, measures, progress report paragraphs and published answers.

Only what public pages already show is indexed (documents.py); the index is built once per campaign data version and
state of the published answers and kept per process (index.py); a query is read and ranked with the staff search's
segmentation and BM25 (query.py, portal.services.common.segment, portal.services.feedback.ranking).
"""
