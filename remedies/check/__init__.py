"""`remedies check`: a draft determination (``draft``) reviewed by the check rules (``review``) and
rendered as text, Markdown or JSON (``render``)."""
