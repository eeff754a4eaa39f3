"""Signing in to the admin: the lockout after repeated failures and the second factor.

django-axes counts failed sign-ins and locks a client out (lockout.py says what the client then
sees); django-otp keeps the staff's TOTP authenticators. factors.py owns the rules (who must
enrol one, how a 验证码 is checked), forms.py the sign-in and enrolment forms, middleware.py
keeps sessions without the required second factor out, views.py serves the enrolment page, and
admin.py lists the authenticators (models.py: a proxy with a Chinese name) for administrators.
"""
