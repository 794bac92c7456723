-- Logins and department codes are compared as they are stored, on every backend: a login in
-- lower case, a department code in upper case (user.c, department.c canonicalise every one that
-- comes in). This brings the rows written before into that form, and the login throttling's
-- keys ("ADDRESS LOGIN") with them. The columns keep SQLite's COLLATE NOCASE from 001 only
-- because SQLite cannot change a column's collation without rebuilding the table (and users and
-- department are referenced from nearly every other table); no query relies on it any more.
-- Under NOCASE no two rows differ only in case, so these updates cannot collide (and a WHERE
-- comparing a value with its lower case finds the two equal under NOCASE: hence none).
UPDATE users SET login = lower(login);
UPDATE department SET code = upper(code);
UPDATE login_attempt SET login = lower(login);
