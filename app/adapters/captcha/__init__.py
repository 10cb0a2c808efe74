"""CAPTCHA providers' server-side checks (siteverify), one module each, behind `base.CaptchaVerifier`."""
