-- wrk script for bench/answers and bench/mixed. Two modes (BENCH_MODE):
--
--   save  POST .../cases/CASE/answer, as static/review.js does when a reviewer picks an answer:
--         question, value, material, comment, revision (the revision the page showed) as a form,
--         with the session cookie and CSRF token (X-CSRF-Token) of the user each pair names, so
--         every reviewer may save under a session of their own (bench/mixed) or one user may
--         save them all (bench/answers). The endpoint has no "overwrite": a save must carry the
--         answer's current revision, or it is refused with 409 (a conflict). So the script keeps
--         every (case, question) pair's revision, taken from each 200 answer, and never has two
--         saves of one pair in flight:
--           - the cases are split between wrk's threads (case number i goes to thread i mod T),
--             so no two threads ever touch the same pair;
--           - within a thread, no two requests in flight share a question, so the "question"
--             of a JSON answer tells which request it belongs to (the answer does not name the
--             case), and so which pair's revision to update.
--         Pairs are visited in rotation (case by case, question by question), skipping a pair
--         whose question is in flight; each save moves the pair to the next of ja, delvist,
--         nej, so every save is a real change (a new revision and an answer_history row).
--   read  GET of pages (review pages, results pages, ...) in rotation, each with the session
--         of the user its line names.
--
-- Both count every answer that is not 2xx (and, in save mode, 200s that are not
-- {"status":"saved"}), and print one line that bench/answers and bench/mixed parse:
--   BENCH requests=N duration_us=N rps=F mean_us=F p50_us=N p90_us=N p99_us=N max_us=N
--         non2xx=N bad=N saved=N connect=N read=N write=N timeout=N
--
-- Environment:
--   BENCH_MODE      save or read
--   BENCH_FILE      save: "CASE QUESTION REVISION VALUE LOGIN" lines, one per pair (VALUE "-"
--                   when there is no answer yet; LOGIN the user who saves it); read: "LOGIN
--                   PATH" lines
--   BENCH_SESSIONS  "LOGIN COOKIE CSRF" lines: each user's Cookie header value (e.g.
--                   "tilsyn_session=...") and CSRF token ("-" for a user who only reads)
--   BENCH_PREFIX    save: the cases' address up to the case id, e.g. "/d/BHS/rounds/1/cases/"
--   BENCH_THREADS   wrk's -t, so each thread knows its share of the cases

local mode = os.getenv("BENCH_MODE") or "save"
local file = os.getenv("BENCH_FILE")
local sessions_file = os.getenv("BENCH_SESSIONS")
local prefix = os.getenv("BENCH_PREFIX") or "/"
local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")

local threads = {}

-- setup() runs in the main Lua state, once per thread, before that thread's init().
function setup(thread)
	thread:set("index", #threads)
	table.insert(threads, thread)
end

local next_value = { ja = "delvist", delvist = "nej", nej = "ja" }

local function fail(msg)
	io.stderr:write("answers.lua: " .. msg .. "\n")
	os.exit(2)
end

local function lines(name, what)
	local f = io.open(name or "", "r")
	if not f then
		fail("cannot read " .. what .. " " .. tostring(name))
	end
	local out = {}
	for line in f:lines() do
		table.insert(out, line)
	end
	f:close()
	return out
end

function init(args)
	non2xx = 0
	statuses = ""   -- "status:count,..." of the answers that were not 2xx, for done()
	status_count = {}
	first_bad = ""  -- the first such answer's status and body, to show what went wrong
	bad = 0
	saved = 0
	-- wrk calls request() once on the first thread's state to check what it returns, before
	-- the thread runs; that request is never sent, so it must not mark a pair as in flight.
	verifying = (index == 0)

	local by_login = {}
	for _, line in ipairs(lines(sessions_file, "BENCH_SESSIONS")) do
		local login, cookie, csrf = line:match("^(%S+) (%S+) (%S+)$")
		if not login then
			fail("bad line in BENCH_SESSIONS: " .. line)
		end
		by_login[login] = { read = { ["Cookie"] = cookie } }
		if csrf ~= "-" then
			by_login[login].save = { ["Cookie"] = cookie, ["Content-Type"] = "application/x-www-form-urlencoded",
			                         ["X-CSRF-Token"] = csrf }
		end
	end
	local function headers_of(login, kind)
		local s = by_login[login]
		if not s then
			fail("no session for " .. login .. " in BENCH_SESSIONS")
		elseif not s[kind] then
			fail("no CSRF token for " .. login .. " in BENCH_SESSIONS, so no saves as " .. login)
		end
		return s[kind]
	end

	plist = {}   -- save: this thread's pairs {case=, question=, revision=, value=, headers=}
	reads = {}   -- read: {path=, headers=}
	local case_index, ncases = {}, 0
	for _, line in ipairs(lines(file, "BENCH_FILE")) do
		if mode == "read" then
			local login, path = line:match("^(%S+) (/%S*)$")
			if not login then
				fail("bad line in BENCH_FILE: " .. line)
			end
			table.insert(reads, { path = path, headers = headers_of(login, "read") })
		else
			local c, q, r, v, login = line:match("^(%d+) (%d+) (%d+) (%S+) (%S+)$")
			if not c then
				fail("bad line in BENCH_FILE: " .. line)
			end
			if not case_index[c] then
				case_index[c] = ncases
				ncases = ncases + 1
			end
			if case_index[c] % nthreads == index then
				table.insert(plist, { case = c, question = q, revision = tonumber(r), value = v,
				                      headers = headers_of(login, "save") })
			end
		end
	end
	if mode == "read" and #reads == 0 then
		fail("nothing to read in BENCH_FILE")
	elseif mode ~= "read" and #plist == 0 then
		fail("no cases for thread " .. index .. " (fewer cases than wrk threads?)")
	end
	cursor = 0
	inflight = {} -- question id -> {pair, value}
end

local function save_request()
	local n = #plist
	local p
	for _ = 1, n do
		cursor = cursor % n + 1
		if not inflight[plist[cursor].question] then
			p = plist[cursor]
			break
		end
	end
	if not p then
		-- Every question in flight: more connections per thread than questions. bench/answers
		-- and bench/mixed check this cannot happen; if it does, the save below may conflict and
		-- count as non-2xx.
		p = plist[cursor]
	end
	local value = next_value[p.value] or "ja"
	if verifying then
		verifying = false
	else
		inflight[p.question] = { pair = p, value = value }
	end
	local body = "question=" .. p.question .. "&value=" .. value .. "&material=&comment=&revision=" .. p.revision
	return wrk.format("POST", prefix .. p.case .. "/answer", p.headers, body)
end

local function read_request()
	cursor = cursor % #reads + 1
	return wrk.format("GET", reads[cursor].path, reads[cursor].headers)
end

function request()
	if mode == "read" then
		return read_request()
	end
	return save_request()
end

function response(status, headers, body)
	if status < 200 or status > 299 then
		non2xx = non2xx + 1
		status_count[status] = (status_count[status] or 0) + 1
		local parts = {}
		for k, v in pairs(status_count) do
			table.insert(parts, k .. ":" .. v)
		end
		statuses = table.concat(parts, ",")
		if first_bad == "" then
			first_bad = status .. " " .. (body or ""):sub(1, 300):gsub("%s+", " ")
		end
	end
	if mode ~= "save" then
		return
	end
	local q = body and body:match('"question":(%d+)')
	local f = q and inflight[q]
	if f then
		inflight[q] = nil
	end
	if status == 200 then
		local rev = body:match('"revision":(%d+)')
		if f and rev and body:find('"status":"saved"', 1, true) then
			f.pair.revision = tonumber(rev)
			f.pair.value = f.value
			saved = saved + 1
		else
			bad = bad + 1
		end
	elseif status == 409 and f then
		-- A conflict (counted above, so the run fails): take the revision and value that were
		-- stored, so one stale pair does not conflict again on every later visit.
		local theirs = body:match('"theirs":(%b{})')
		local rev = theirs and theirs:match('"revision":(%d+)')
		if rev then
			f.pair.revision = tonumber(rev)
			f.pair.value = theirs:match('"value":"(%a*)"') or f.pair.value
		end
	end
end

function done(summary, latency, requests)
	local n2, b, s = 0, 0, 0
	for _, thread in ipairs(threads) do
		n2 = n2 + (thread:get("non2xx") or 0)
		b = b + (thread:get("bad") or 0)
		s = s + (thread:get("saved") or 0)
		local st, fb = thread:get("statuses") or "", thread:get("first_bad") or ""
		if st ~= "" then
			io.write("answers.lua: not 2xx (status:count): " .. st .. "; the first: " .. fb .. "\n")
		end
	end
	local e = summary.errors
	local seconds = summary.duration / 1e6
	io.write(string.format(
		"BENCH requests=%d duration_us=%d rps=%.1f mean_us=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d"
			.. " non2xx=%d bad=%d saved=%d connect=%d read=%d write=%d timeout=%d\n",
		summary.requests, summary.duration, summary.requests / seconds, latency.mean,
		latency:percentile(50.0), latency:percentile(90.0), latency:percentile(99.0), latency.max,
		n2, b, s, e.connect, e.read, e.write, e.timeout))
end
