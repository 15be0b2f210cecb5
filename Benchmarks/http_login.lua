-- wrk: every request is one login through the form (POST /login with the visitor cookie and its CSRF token),
-- taken from the environment: LOGIN_BODY (the urlencoded form) and LOGIN_COOKIE.
wrk.method = "POST"
wrk.body = os.getenv("LOGIN_BODY")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = os.getenv("LOGIN_COOKIE")
