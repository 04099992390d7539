#!/bin/sh
# shellcheck shell=dash
# vm-run: realworld-packages
# realworld suite (runs in the VM): unmodified Debian 12 servers on myepoll.
#
# redis-server 7.0 (driven by redis-benchmark) and nginx 1.22 (driven by wrk)
# come from Debian's archive (scripts/realworld-pkgs.sh: the line above makes
# vm-run.sh put them and their libraries into the initramfs).  Each server
# runs under LD_PRELOAD=/lib/libmyepoll-shim.so (tools/shim), which routes its
# epoll calls to /dev/myepoll, and once natively (no shim) as the control: a
# failing control means the VM setup is broken, not myepoll.
#
#   redis-native       redis-benchmark -c 50 (SET, GET)
#   redis-myepoll      redis-benchmark -c 50, then -c 1000
#   nginx-native-2w    2 workers, wrk -c 100
#   nginx-myepoll-1w   1 worker,  wrk -c 100, then -c 1000
#   nginx-myepoll-2w   2 workers sharing the listener with EPOLLEXCLUSIVE
#                      (nginx's default `accept_mutex off`), wrk -c 100, -c 1000
#   redis-ring         as redis-myepoll, in the shim's ring mode
#                      (MYEPOLL_SHIM_RING=1: waits answered from the ring)
#   nginx-ring-2w      as nginx-myepoll-2w, in the shim's ring mode
#
# Cases (`@@myepoll case realworld pass|fail <run>-<check>`):
#   -c<N>          the load generator's own error counts are zero: redis-
#                  benchmark exits 0, completes every request of each test,
#                  prints no "Error", and the server's INFO reports
#                  rejected_connections:0 and total_error_replies:0; wrk
#                  exits 0, made requests, and prints no "Socket errors" and no
#                  "Non-2xx or 3xx responses" line
#   -fds           the server's (each nginx worker's) epoll instances, read
#                  from the links in /proc/<pid>/fd: at least one
#                  anon_inode:[myepoll] and no anon_inode:[eventpoll] under
#                  the shim; the reverse natively
#   -exclusive     (2 workers) in each worker's instance, the listening socket
#                  is registered with EPOLLEXCLUSIVE (/proc/<pid>/fdinfo)
#   -shim-counters the shim's exit statistics (MYEPOLL_SHIM_STATS=1) show
#                  create, ctl and wait calls answered by myepoll, and no
#                  create without the device, no call passed to native epoll
#   -exit          the server stops on SIGTERM (redis) / SIGQUIT (nginx) with
#                  exit status 0
#   -errorlog      (nginx) nothing in its error log (level error) but the
#                  shim's statistics line, and exit status 0
#
# Knobs (vm-run --env): REDIS_REQUESTS=4000 (per test and client count),
# WRK_SECONDS=3, REALWORLD_RUNS="redis-native redis-myepoll nginx-native-2w
# nginx-myepoll-1w nginx-myepoll-2w redis-ring nginx-ring-2w", REALWORLD_NO_SHIM=1 (the myepoll runs
# without LD_PRELOAD: their -fds and -shim-counters cases must fail; for
# showing that the checks can fail).
WHAT=${1:-check} # check (the realworld suite) or bench (benchreal.sh)
S=realworld
[ "$WHAT" = bench ] && S=benchreal
SHIM=/lib/libmyepoll-shim.so
W=/tmp/realworld
REQUESTS=${REDIS_REQUESTS:-4000}
SECONDS_=${WRK_SECONDS:-3}
RUNS=${REALWORLD_RUNS:-redis-native redis-myepoll nginx-native-2w nginx-myepoll-1w nginx-myepoll-2w redis-ring nginx-ring-2w}
REDIS_PORT=6379
NGINX_PORT=8080
EPOLLEXCLUSIVE=268435456 # 1 << 28

note() { echo "@@myepoll note $S $*"; }
pass() { echo "@@myepoll case $S pass $1"; }
fail() { # fail NAME WHY
	echo "$S: $1: $2"
	echo "@@myepoll case $S fail $1"
	failed=$((failed + 1))
}
# verdict NAME WHY: pass if WHY is empty, else fail with it.
verdict() { if [ -z "$2" ]; then pass "$1"; else fail "$1" "$2"; fi; }
failed=0

now() { cut -d' ' -f1 /proc/uptime; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

for f in /usr/bin/redis-server /usr/bin/redis-benchmark /usr/bin/redis-cli /usr/sbin/nginx /usr/bin/wrk "$SHIM"; do
	if [ ! -x "$f" ] && [ ! -f "$f" ]; then
		echo "$S: $f is missing from the initramfs (scripts/realworld-pkgs.sh, make shim)"
		exit 127
	fi
done
if [ ! -c /dev/myepoll ]; then
	echo "$S: /dev/myepoll is missing: the module is not loaded"
	exit 1
fi
[ -f /etc/myepoll/realworld-versions ] &&
	note "packages: $(awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2 }' /etc/myepoll/realworld-versions)"
[ "${REALWORLD_NO_SHIM:-0}" = 1 ] && note "REALWORLD_NO_SHIM=1: the myepoll runs run natively (their -fds and -shim-counters cases must fail)"
rm -rf "$W"
mkdir -p "$W" || exit 1

# config_env CONFIG: the environment of a server run in CONFIG, as env(1)
# words: native, myepoll (the shim), ring (the shim's ring mode: every
# instance a ring instance, waits answered from the ring).  Another
# configuration is one more line here and a name in BENCHREAL_CONFIGS.
config_env() {
	case $1 in
	native) ;;
	myepoll) [ "${REALWORLD_NO_SHIM:-0}" = 1 ] || echo "LD_PRELOAD=$SHIM MYEPOLL_SHIM_STATS=1" ;;
	ring) [ "${REALWORLD_NO_SHIM:-0}" = 1 ] || echo "LD_PRELOAD=$SHIM MYEPOLL_SHIM_STATS=1 MYEPOLL_SHIM_RING=1" ;;
	*) return 1 ;;
	esac
}

# alive PID: true while PID runs (not a zombie).
alive() {
	st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	# shellcheck disable=SC2086  # the fields after "(comm) "
	set -- ${st##*) }
	[ "$1" != Z ]
}

# stop PID SIGNAL: signal PID, wait up to 30 s for it to end (then SIGKILL),
# reap it; its exit status goes to $stop_rc.
stop() {
	kill "-$2" "$1" 2>/dev/null
	i=0
	while alive "$1" && [ $i -lt 150 ]; do
		usleep 200000
		i=$((i + 1))
	done
	if alive "$1"; then
		note "pid $1 did not end within 30 s of SIG$2: killed"
		kill -9 "$1" 2>/dev/null
	fi
	wait "$1"
	stop_rc=$?
}

# children PID: the pids whose parent is PID.
children() {
	parent=$1
	for d in /proc/[0-9]*; do
		st=$(cat "$d/stat" 2>/dev/null) || continue
		# shellcheck disable=SC2086
		set -- ${st##*) }
		[ "$2" = "$parent" ] && echo "${d#/proc/}"
	done
}

# instances PID: "M E", the number of anon_inode:[myepoll] and
# anon_inode:[eventpoll] links in /proc/PID/fd (ls -l reads the links).
instances() {
	# shellcheck disable=SC2012  # the link targets are what is wanted
	ls -l "/proc/$1/fd" 2>/dev/null | awk '
		$NF == "anon_inode:[myepoll]" { m++ }
		$NF == "anon_inode:[eventpoll]" { e++ }
		END { print m + 0, e + 0 }'
}

# fds_verdict MODE PID...: why the instances of these processes are wrong
# for MODE (empty if right).
fds_verdict() {
	mode=$1
	shift
	why=
	[ $# -gt 0 ] || why="no process to look at"
	for p in "$@"; do
		# shellcheck disable=SC2046  # two numbers
		set -- $(instances "$p")
		if [ "$mode" != native ]; then
			[ "$1" -ge 1 ] && [ "$2" = 0 ] ||
				why="$why pid $p has $1 anon_inode:[myepoll] and $2 anon_inode:[eventpoll] fds (want >= 1 and 0);"
		else
			[ "$2" -ge 1 ] && [ "$1" = 0 ] ||
				why="$why pid $p has $2 anon_inode:[eventpoll] and $1 anon_inode:[myepoll] fds (want >= 1 and 0);"
		fi
	done
	echo "$why"
}

# shim_verdict FILE...: why the shim's statistics line in FILEs does not show
# a run on myepoll (empty if it does).
shim_verdict() {
	line=$(cat "$@" 2>/dev/null | sed -n 's/^myepoll-shim\[[0-9]*\]: stats //p' | tail -n 1)
	if [ -z "$line" ]; then
		echo "no shim statistics line (myepoll-shim[PID]: stats ...)"
		return
	fi
	note "$run: shim: $line" >&2
	echo "$line" | awk '{
		for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] + 0 }
		if (v["create"] < 1 || v["ctl"] < 1 || v["wait"] < 1) why = why " no create, ctl or wait went to myepoll;"
		if (v["no-device"] != 0) why = why " no-device=" v["no-device"] ";"
		if (v["native-ctl"] != 0 || v["native-wait"] != 0) why = why " calls passed to native epoll;"
		if (why != "") print "shim statistics:" why " (" $0 ")"
	}'
}

# ring_verdict MODE FILE...: in MODE ring, why the shim's statistics line
# in FILEs does not show a ring set up (empty if it does, or in another MODE).
ring_verdict() {
	[ "$1" = ring ] || return 0
	shift
	cat "$@" 2>/dev/null | sed -n 's/^myepoll-shim\[[0-9]*\]: stats //p' | tail -n 1 |
		grep -q ' ring=[1-9]' || echo " shim statistics: no ring set up;"
}

# start MODE READY COMMAND...: start COMMAND in the background (under the
# shim in MODE myepoll or ring), output in $dir/server.out, its pid in $pid; wait up
# to 30 s until the function READY succeeds.
start() {
	smode=$1
	ready=$2
	shift 2
	t0=$(now)
	# shellcheck disable=SC2046  # env words
	env $(config_env "$smode") "$@" >"$dir/server.out" 2>&1 &
	pid=$!
	i=0
	until $ready; do
		i=$((i + 1))
		if [ $i -gt 150 ] || ! alive $pid; then
			note "$run: $1 not up within 30 s ($ready failed)"
			return
		fi
		usleep 200000
	done
	note "$run: $1 pid $pid up after $(seconds "$t0" "$(now)") s"
}

# ---- redis ----------------------------------------------------------------

redis_cli() { redis-cli -h 127.0.0.1 -p $REDIS_PORT "$@" 2>&1 | tr -d '\r'; }
# shellcheck disable=SC2317  # called through start's READY
redis_up() { [ "$(redis_cli ping)" = PONG ]; }

# redis_bench CLIENTS: one redis-benchmark run (SET, GET); case <run>-c<N>.
redis_bench() {
	out=$W/$run-c$1.out
	t0=$(now)
	timeout 300 redis-benchmark -h 127.0.0.1 -p $REDIS_PORT -c "$1" -n "$REQUESTS" -t set,get >"$out" 2>&1
	rc=$?
	t1=$(now)
	# The progress lines end in \r: keep the last part of each line.
	tr '\r' '\n' <"$out" >"$out.lines"
	why=
	[ $rc = 0 ] || why="redis-benchmark exit $rc;"
	completed=$(grep -c "^ *$REQUESTS requests completed in" "$out.lines")
	[ "$completed" = 2 ] || why="$why $completed of 2 tests completed $REQUESTS requests;"
	grep -q 'Error' "$out.lines" && why="$why errors: $(grep -m 3 'Error' "$out.lines" | tr '\n' ' ');"
	info=$(redis_cli info stats)
	for k in rejected_connections total_error_replies; do
		v=$(echo "$info" | sed -n "s/^$k://p")
		[ "$v" = 0 ] || why="$why INFO $k=${v:-missing};"
	done
	rps=$(sed -n 's/^ *throughput summary: \([0-9.]*\) requests per second/\1/p' "$out.lines" | tr '\n' ' ')
	note "$run: redis-benchmark -c $1 -n $REQUESTS -t set,get: exit $rc, $(seconds "$t0" "$t1") s, requests/s (SET GET): ${rps:-none}"
	[ -z "$why" ] || sed 's/^/redis-benchmark: /' "$out.lines" | grep -v '^redis-benchmark: *$' | tail -n 20
	verdict "$run-c$1" "$why"
}

# redis_start MODE: redis-server in $dir.
redis_start() {
	mkdir -p "$dir"
	start "$1" redis_up redis-server --bind 127.0.0.1 --port $REDIS_PORT --save '' \
		--appendonly no --daemonize no --dir "$dir" --tcp-backlog 4096 --maxclients 10000 --logfile ''
}

# run_redis MODE CLIENTS...
run_redis() {
	mode=$1
	shift
	dir=$W/$run
	redis_start "$mode"
	for c in "$@"; do redis_bench "$c"; done
	verdict "$run-fds" "$(fds_verdict "$mode" $pid)"
	stop $pid TERM
	[ "$mode" != native ] && verdict "$run-shim-counters" "$(shim_verdict "$dir/server.out")$(ring_verdict "$mode" "$dir/server.out")"
	why=
	[ "$stop_rc" = 0 ] || why="redis-server exit $stop_rc after SIGTERM"
	[ -z "$why" ] || sed 's/^/redis-server: /' "$dir/server.out" | tail -n 20
	verdict "$run-exit" "$why"
}

# ---- nginx ----------------------------------------------------------------

# nginx_conf DIR WORKERS
nginx_conf() {
	mkdir -p "$1/html" "$1/logs"
	printf '<html><body>%s</body></html>\n' "myepoll realworld" >"$1/html/index.html"
	cat >"$1/nginx.conf" <<-EOF
		worker_processes $2;
		daemon off;
		master_process on;
		pid $1/nginx.pid;
		error_log $1/logs/error.log error;
		worker_rlimit_nofile 65536;
		events {
		    worker_connections 4096;
		    # accept_mutex off (the default since 1.11.3): with more than one
		    # worker, each adds the listener with EPOLLEXCLUSIVE.
		}
		http {
		    log_format pid '\$pid';
		    access_log $1/logs/access.log pid;
		    default_type text/html;
		    server {
		        listen 127.0.0.1:$NGINX_PORT backlog=4096;
		        root $1/html;
		    }
		}
	EOF
}

# nginx_workers: set $workers to the master's children.
nginx_workers() { workers=$(children "$pid" | tr '\n' ' '); }

# wrk_run CONNECTIONS: one wrk run; case <run>-c<N>.
wrk_run() {
	out=$W/$run-c$1.out
	t0=$(now)
	timeout 120 wrk -t 2 -c "$1" -d "${SECONDS_}s" --timeout 10s "http://127.0.0.1:$NGINX_PORT/" >"$out" 2>&1
	rc=$?
	t1=$(now)
	why=
	[ $rc = 0 ] || why="wrk exit $rc;"
	requests=$(sed -n 's/^ *\([0-9]*\) requests in .*/\1/p' "$out")
	[ "${requests:-0}" -gt 0 ] || why="$why no request made;"
	grep -q 'Socket errors' "$out" && why="$why $(grep 'Socket errors' "$out");"
	grep -q 'Non-2xx' "$out" && why="$why $(grep 'Non-2xx' "$out");"
	note "$run: wrk -c $1 -d ${SECONDS_}s: exit $rc, $(seconds "$t0" "$t1") s, ${requests:-no} requests, $(sed -n 's/^Requests\/sec: *//p' "$out") requests/s"
	[ -z "$why" ] || sed 's/^/wrk: /' "$out"
	verdict "$run-c$1" "$why"
}

# listener_ino: the inode of the listening socket on 127.0.0.1:NGINX_PORT.
listener_ino() {
	awk -v a="0100007F:$(printf '%04X' $NGINX_PORT)" '$2 == a && $4 == "0A" { print $10; exit }' /proc/net/tcp
}

# listener_events PID INO: "FD EVENTS" of the listening socket (inode INO)
# as registered in one of PID's epoll instances (/proc/PID/fdinfo); empty if
# it is in none.
listener_events() {
	# shellcheck disable=SC2012  # fds are numbers; the link targets are wanted
	ls -l "/proc/$1/fd" 2>/dev/null | awk -v t="socket:[$2]" -v dir="/proc/$1/fdinfo/" '
		$NF == t { lfd = $(NF - 2) }
		$NF ~ /^anon_inode:\[(myepoll|eventpoll)\]$/ { inst[$(NF - 2)] = 1 }
		END {
			if (lfd == "") exit
			for (e in inst)
				while ((getline line < (dir e)) > 0) {
					split(line, f, " ")
					if (f[1] == "tfd:" && f[2] == lfd) { print lfd, f[4]; exit }
				}
		}'
}

# exclusive_verdict: why the listener is not EPOLLEXCLUSIVE in every
# worker's instance (empty if it is).
exclusive_verdict() {
	ino=$(listener_ino)
	[ -n "$ino" ] || { echo "no listening socket on 127.0.0.1:$NGINX_PORT in /proc/net/tcp"; return; }
	why=
	for w in $workers; do
		# shellcheck disable=SC2046  # FD EVENTS
		set -- $(listener_events "$w" "$ino")
		if [ $# != 2 ]; then
			why="$why worker $w: the listener is in none of its epoll instances;"
		elif [ $((0x$2 & EPOLLEXCLUSIVE)) = 0 ]; then
			why="$why worker $w: listener fd $1 registered with events 0x$2, no EPOLLEXCLUSIVE;"
		else
			note "$run: worker $w: listener fd $1 registered with events 0x$2" >&2
		fi
	done
	echo "$why"
}

# nginx_up: true when the master has $nw children and each has the
# listener in its epoll instance.
# shellcheck disable=SC2317  # called through start's READY
nginx_up() {
	nginx_workers
	ino=$(listener_ino)
	[ -n "$ino" ] || return 1
	n=0
	for w in $workers; do
		[ -n "$(listener_events "$w" "$ino")" ] || return 1
		n=$((n + 1))
	done
	[ "$n" = "$nw" ]
}

# nginx_start MODE: nginx with $nw workers in $dir.
nginx_start() {
	nginx_conf "$dir" "$nw"
	mkdir -p /var/lib/nginx
	start "$1" nginx_up nginx -p "$dir/" -c "$dir/nginx.conf" -e "$dir/logs/error.log"
}

# run_nginx MODE WORKERS CONNECTIONS...
run_nginx() {
	mode=$1
	nw=$2
	shift 2
	dir=$W/$run
	nginx_start "$mode"
	note "$run: nginx workers: ${workers:-none}"
	for c in "$@"; do wrk_run "$c"; done
	nginx_workers
	# shellcheck disable=SC2086  # the list of worker pids
	verdict "$run-fds" "$(fds_verdict "$mode" $workers)"
	[ "$nw" -gt 1 ] && verdict "$run-exclusive" "$(exclusive_verdict)"
	stop $pid QUIT
	per_worker=$(awk '{ n[$1]++ } END { for (p in n) printf "%s pid %s: %d", (k++ ? "," : ""), p, n[p] }' "$dir/logs/access.log" 2>/dev/null)
	note "$run: requests per worker (access log):${per_worker:- none}"
	[ "$mode" != native ] && verdict "$run-shim-counters" "$(shim_verdict "$dir/logs/error.log" "$dir/server.out")$(ring_verdict "$mode" "$dir/logs/error.log" "$dir/server.out")"
	why=
	[ "$stop_rc" = 0 ] || why="nginx exit $stop_rc after SIGQUIT;"
	errors=$(cat "$dir/logs/error.log" "$dir/server.out" 2>/dev/null | grep -v '^myepoll-shim\[[0-9]*\]: ')
	[ -z "$errors" ] || why="$why $(echo "$errors" | wc -l) line(s) in the error log;"
	[ -z "$why" ] || echo "$errors" | sed 's/^/nginx: /' | head -n 20
	verdict "$run-errorlog" "$why"
}

# ---- make bench: requests/s per configuration --------------------------------

# bench_result ROUND WORKLOAD CONFIG RPS: one measurement.
bench_result() { echo "$1 $2 $3 $4" >>"$W/bench.res"; }

# bench_case RUN WHY [SHIM-FILE...]: the run's case; under the shim its
# statistics must show myepoll answered.
bench_case() {
	run=$1
	why=$2
	shift 2
	[ $# = 0 ] || why="$why$(shim_verdict "$@")"
	case $run in *-ring-r*) [ $# = 0 ] || why="$why$(ring_verdict ring "$@")" ;; esac
	verdict "$run" "$why"
}

# bench_redis CONFIG ROUND: redis-benchmark SET, GET, LPUSH, LPOP.
bench_redis() {
	run=redis-$1-r$2
	dir=$W/$run
	redis_start "$1"
	timeout 900 redis-benchmark -h 127.0.0.1 -p $REDIS_PORT -c "$BENCH_CLIENTS" -n "$BENCH_REQUESTS" \
		-t set,get,lpush,lpop --csv >"$dir/bench.out" 2>&1
	rc=$?
	stop $pid TERM
	# --csv: "test","rps",... per test after a header line.
	awk -F'"' 'NR > 1 && $2 != "" { print $2, $4 }' "$dir/bench.out" >"$dir/rps"
	while read -r test rps; do bench_result "$2" "redis-$test" "$1" "$rps"; done <"$dir/rps"
	why=
	[ $rc = 0 ] || why="redis-benchmark exit $rc;"
	[ "$(wc -l <"$dir/rps")" = 4 ] || why="$why $(wc -l <"$dir/rps") of 4 tests reported;"
	[ "$stop_rc" = 0 ] || why="$why redis-server exit $stop_rc;"
	[ -z "$why" ] || sed 's/^/redis-benchmark: /' "$dir/bench.out" | tail -n 10
	# shellcheck disable=SC2046  # no file for native
	bench_case "$run" "$why" $([ "$1" = native ] || echo "$dir/server.out")
}

# bench_nginx CONFIG ROUND: wrk over nginx, one worker.
bench_nginx() {
	run=nginx-$1-r$2
	dir=$W/$run
	nw=1
	nginx_start "$1"
	timeout 300 wrk -t 1 -c "$BENCH_CONNECTIONS" -d "${BENCH_SECONDS}s" --timeout 10s \
		"http://127.0.0.1:$NGINX_PORT/" >"$dir/wrk.out" 2>&1
	rc=$?
	stop $pid QUIT
	rps=$(sed -n 's/^Requests\/sec: *//p' "$dir/wrk.out")
	[ -z "$rps" ] || bench_result "$2" nginx-GET "$1" "$rps"
	why=
	[ $rc = 0 ] && [ -n "$rps" ] || why="wrk exit $rc, requests/s '${rps:-none}';"
	grep -q 'Socket errors\|Non-2xx' "$dir/wrk.out" && why="$why $(grep 'Socket errors\|Non-2xx' "$dir/wrk.out" | tr '\n' ' ');"
	[ "$stop_rc" = 0 ] || why="$why nginx exit $stop_rc;"
	[ -z "$why" ] || sed 's/^/wrk: /' "$dir/wrk.out"
	# shellcheck disable=SC2046  # no file for native
	bench_case "$run" "$why" $([ "$1" = native ] || echo "$dir/logs/error.log")
}

# bench_report: the medians per workload and configuration, each
# configuration's ratio to native; an aligned table and `@@bench csv
# realworld` lines (scripts/bench-report.py writes realworld.csv).
bench_report() {
	echo
	echo "realworld: requests/s, median of $BENCH_ROUNDS round(s); redis-benchmark -c $BENCH_CLIENTS -n $BENCH_REQUESTS, wrk -t 1 -c $BENCH_CONNECTIONS -d ${BENCH_SECONDS}s over nginx (1 worker)"
	awk -v configs="$CONFIGS" '
	function median(key,   n, i, j, t, v) {
		n = split(vals[key], v, " ")
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
		return n == 0 ? "" : (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2)
	}
	{ if (!($2 in seen)) { seen[$2] = 1; order[nw++] = $2 }; vals[$2 SUBSEP $3] = vals[$2 SUBSEP $3] " " $4 }
	END {
		nc = split(configs, c, " ")
		printf "%-14s", "workload"
		for (i = 1; i <= nc; i++) printf " %12s", c[i]
		for (i = 1; i <= nc; i++) if (c[i] != "native") printf " %16s", c[i] "/native"
		printf "\n"
		hdr = "workload"
		for (i = 1; i <= nc; i++) hdr = hdr "," c[i] "_rps"
		for (i = 1; i <= nc; i++) if (c[i] != "native") hdr = hdr "," c[i] "_over_native"
		csv[0] = hdr
		for (w = 0; w < nw; w++) {
			name = order[w]
			printf "%-14s", name
			line = name
			for (i = 1; i <= nc; i++) { m[i] = median(name SUBSEP c[i]); printf " %12s", m[i]; line = line "," m[i] }
			base = median(name SUBSEP "native")
			for (i = 1; i <= nc; i++) {
				if (c[i] == "native") continue
				r = (base > 0 && m[i] != "") ? sprintf("%.3f", m[i] / base) : "-"
				printf " %16s", r
				line = line "," r
			}
			printf "\n"
			csv[w + 1] = line
		}
		for (w = 0; w <= nw; w++) print "@@bench csv realworld " csv[w]
	}' "$W/bench.res"
}

if [ "$WHAT" = bench ]; then
	CONFIGS=${BENCHREAL_CONFIGS:-native myepoll ring}
	BENCH_ROUNDS=${BENCHREAL_ROUNDS:-3}
	BENCH_CLIENTS=${BENCHREAL_CLIENTS:-50}
	BENCH_REQUESTS=${BENCHREAL_REQUESTS:-5000}
	BENCH_CONNECTIONS=${BENCHREAL_CONNECTIONS:-100}
	BENCH_SECONDS=${BENCHREAL_SECONDS:-3}
	for c in $CONFIGS; do
		config_env "$c" >/dev/null || { fail "config-$c" "unknown configuration in BENCHREAL_CONFIGS"; exit 0; }
	done
	: >"$W/bench.res"
	t_start=$(now)
	round=1
	# Rounds interleave the configurations, so that drift hits them alike.
	while [ $round -le "$BENCH_ROUNDS" ]; do
		for c in $CONFIGS; do bench_redis "$c" $round; done
		for c in $CONFIGS; do bench_nginx "$c" $round; done
		round=$((round + 1))
	done
	note "$failed failed case(s), $(seconds "$t_start" "$(now)") s guest time"
	bench_report
	exit 0
fi

# ---- make check: the runs -----------------------------------------------------

t_start=$(now)
for run in $RUNS; do
	failed_before=$failed
	case $run in
	redis-native) run_redis native 50 ;;
	redis-myepoll) run_redis myepoll 50 1000 ;;
	nginx-native-2w) run_nginx native 2 100 ;;
	nginx-myepoll-1w) run_nginx myepoll 1 100 1000 ;;
	nginx-myepoll-2w) run_nginx myepoll 2 100 1000 ;;
	redis-ring) run_redis ring 50 1000 ;;
	nginx-ring-2w) run_nginx ring 2 100 1000 ;;
	*) fail "$run" "unknown run in REALWORLD_RUNS" ;;
	esac
	case $run in *-native*)
		[ "$failed" = "$failed_before" ] || note "$run: the native control failed: the VM setup is broken (not myepoll)"
		;;
	esac
done
note "$failed failed case(s), $(seconds "$t_start" "$(now)") s guest time"
exit 0
