# Build and test hosts on this machine, for the distcc and ssh tests:
# a real distccd and a real sshd listening on 127.0.0.1 only, each on a
# free port, stopped by the test's final cleanup.

# free_port: a TCP port of 127.0.0.1 that nobody listens on now.
free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

command -v distccd >/dev/null && command -v distcc >/dev/null &&
	command -v python3 >/dev/null && test_set_prereq DISTCC
test -x /usr/sbin/sshd && command -v ssh >/dev/null &&
	command -v ssh-keygen >/dev/null && command -v rsync >/dev/null &&
	command -v python3 >/dev/null && test_set_prereq SSHD

# start_distccd <dir>: distccd on 127.0.0.1 (only 127.0.0.1 allowed),
# its port in <dir>/port, its statistics' in <dir>/stats-port, its log
# in <dir>/distccd.log, its pid in <dir>/pid. It detaches once it
# listens. As root it compiles as nobody, so <dir> and the directories
# above it must let nobody in.
start_distccd() {
	mkdir -p "$1" && chmod 777 "$1" &&
	free_port >"$1/port" && free_port >"$1/stats-port" &&
	user= &&
	if test "$(id -u)" = 0; then user="--user nobody"; fi &&
	distccd --daemon --allow 127.0.0.1 --listen 127.0.0.1 \
		--port "$(cat "$1/port")" --stats \
		--stats-port "$(cat "$1/stats-port")" \
		--log-file "$1/distccd.log" --pid-file "$1/pid" $user
}

# stop_daemon <dir>: the daemon whose pid is in <dir>/pid; returns once
# <dir>/port refuses connections (its children, which share the socket,
# go with it).
stop_daemon() {
	if test -s "$1/pid"; then
		kill "$(cat "$1/pid")" 2>/dev/null
		rm -f "$1/pid"
	fi
	test -s "$1/port" || return 0
	python3 -c 'import socket, sys, time
while True:
	try:
		socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()
		time.sleep(0.1)
	except OSError:
		break' "$(cat "$1/port")"
}

# distccd_stat <dir> <name>: a counter of distccd's statistics page.
distccd_stat() {
	python3 -c 'import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5)
s.sendall(b"GET / HTTP/1.0\r\n\r\n")
data = b""
while True:
	b = s.recv(4096)
	if not b:
		break
	data += b
for line in data.decode(errors="replace").splitlines():
	w = line.split()
	if len(w) == 2 and w[0] == sys.argv[2]:
		print(w[1])' "$(cat "$1/stats-port")" "$2"
}

# start_sshd <dir>: an sshd on 127.0.0.1 that lets this user in with the
# key <dir>/id (made here, as is its host key) and nothing else; its
# port in <dir>/port, its pid in <dir>/pid. sshd detaches once it
# listens. <dir>/ssh-options are the client's options for it.
start_sshd() {
	mkdir -p "$1" &&
	ssh-keygen -q -t ed25519 -N "" -C host -f "$1/host_key" &&
	ssh-keygen -q -t ed25519 -N "" -C client -f "$1/id" &&
	cp "$1/id.pub" "$1/authorized_keys" &&
	free_port >"$1/port" &&
	cat >"$1/sshd_config" <<-EOF &&
	Port $(cat "$1/port")
	ListenAddress 127.0.0.1
	HostKey $1/host_key
	AuthorizedKeysFile $1/authorized_keys
	AllowUsers $(id -un)
	PermitRootLogin prohibit-password
	PasswordAuthentication no
	KbdInteractiveAuthentication no
	UsePAM no
	StrictModes no
	PidFile $1/pid
	EOF
	echo "-i $1/id -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null" \
		>"$1/ssh-options" &&
	if test "$(id -u)" = 0; then mkdir -p /run/sshd; fi &&
	/usr/sbin/sshd -f "$1/sshd_config" -E "$1/sshd.log" &&
	wait_listening "$(cat "$1/port")" "$1/sshd.log"
}

# wait_listening <port> <log>: until 127.0.0.1:<port> accepts (sshd
# listens only after it detached), or <log> says the daemon gave up.
wait_listening() {
	python3 -c 'import socket, sys, time
while True:
	try:
		socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()
		sys.exit(0)
	except OSError:
		pass
	try:
		log = open(sys.argv[2]).read()
	except OSError:
		log = ""
	if "fatal" in log or "Bind to port" in log:
		sys.stderr.write(log)
		sys.exit(1)
	time.sleep(0.1)' "$@"
}
