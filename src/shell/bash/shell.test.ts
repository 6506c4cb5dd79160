/**
 * The interactive Shell: transcripts typed line by line (expected texts checked against an
 * interactive bash 5.1 in a pty; PIDs are ours), persistence between execute() calls,
 * prompts, isComplete, Ctrl-C, jobs, scripts, command lookup, completion.
 */
import { describe, expect, it } from 'vitest';
import { runToCompletion, runUntilIdle } from '../proc.ts';
import { ShellSignal } from '../types.ts';
import { TICK_EVERY } from './exec.ts';
import { session, transcript } from './testkit.ts';

const T = (lines: string) => lines.split('\n');

describe('interactive transcripts (as bash 5.1 -i shows them)', () => {
  it('syntax errors, aliases on the next line, expansion errors abort the line', () => {
    const s = session();
    expect(transcript(s, T(`if true; then echo a
fi fi
alias x='echo ALIAS'; x here
x there
foo
echo \${y:?oops}; echo same line
echo $?
(
echo sub
)
f() { echo $((1/0)); echo inf; }; f; echo after
for i in 1 2; do
echo $i
done
echo a |
cat
set -u; echo $nope; echo same
echo $?; set +u
cat <<EOF
hd $HOME
EOF
readonly R=1; R=2; echo after-ro
exit foo`))).toBe(`$ if true; then echo a
> fi fi
bash: syntax error near unexpected token \`fi'
$ alias x='echo ALIAS'; x here
bash: x: command not found
$ x there
ALIAS there
$ foo
bash: foo: command not found
$ echo \${y:?oops}; echo same line
bash: y: oops
$ echo $?
1
$ (
> echo sub
> )
sub
$ f() { echo $((1/0)); echo inf; }; f; echo after
bash: 1/0: division by 0 (error token is "0")
$ for i in 1 2; do
> echo $i
> done
1
2
$ echo a |
> cat
a
$ set -u; echo $nope; echo same
bash: nope: unbound variable
$ echo $?; set +u
1
$ cat <<EOF
> hd $HOME
> EOF
hd /root
$ readonly R=1; R=2; echo after-ro
bash: R: readonly variable
$ exit foo
exit
bash: exit: foo: numeric argument required
`);
    expect(s.shell.exited).toBe(2);
  });

  it('background jobs, Done/Terminated/Exit reports, Ctrl-C, traps', () => {
    const s = session();
    expect(transcript(s, T(`sleep 1 &
jobs
#sleep 1.3
echo hi
sleep 2 &
kill %1
echo x
(exit 3) &
#sleep 0.3
echo y
sleep 0.5 & sleep 0.7 & jobs
#sleep 1
true
while true; do :; done
#intr
echo $?
sleep 5
#intr
echo $?
trap 'echo caught' INT
sleep 5
#intr
echo $?
for i in 1 2 3; do sleep 5; echo loop$i; done
#intr
kill -9 %1
wait
kill %5
fg`))).toBe(`$ sleep 1 &
[1] 1002
$ jobs
[1]+  Running                 sleep 1 &
$ echo hi
hi
[1]+  Done                    sleep 1
$ sleep 2 &
[1] 1003
$ kill %1
$ echo x
x
[1]+  Terminated              sleep 2
$ (exit 3) &
[1] 1004
$ echo y
y
[1]+  Exit 3                  ( exit 3 )
$ sleep 0.5 & sleep 0.7 & jobs
[1] 1005
[2] 1006
[1]-  Running                 sleep 0.5 &
[2]+  Running                 sleep 0.7 &
$ true
[1]-  Done                    sleep 0.5
[2]+  Done                    sleep 0.7
$ while true; do :; done
$ echo $?
130
$ sleep 5
$ echo $?
130
$ trap 'echo caught' INT
$ sleep 5
$ echo $?
130
$ for i in 1 2 3; do sleep 5; echo loop$i; done
$ kill -9 %1
bash: kill: %1: no such job
$ wait
$ kill %5
bash: kill: %5: no such job
$ fg
bash: fg: current: no such job
`);
  });

  it("the seed's lvs.sh: bash FILE, ./FILE without and with the x bit, errors in scripts", () => {
    const s = session();
    s.host.fs.mkdir('/tmp/seed');
    expect(transcript(s, T(`cd /tmp/seed
cat > lvs.sh <<'EOF'
#!/bin/bash
case $1 in
  start) echo "Starting LVS"; echo 1 > /tmp/seed/state;;
  stop) echo "Stopping LVS";;
  *) echo "Usage: $0 {start|stop}"; exit 1;;
esac
EOF
bash /tmp/seed/lvs.sh start
./lvs.sh
echo $?
chmod +x lvs.sh
./lvs.sh
echo $?
./lvs.sh stop
/tmp/seed/lvs.sh start
./nosuch.sh
echo $?
mkdir d; ./d
echo $?
printf 'echo line1\\nfoo\\necho $((2/0))\\necho after\\n' > err.sh; bash err.sh
printf 'echo "unterminated\\n' > bad.sh; bash bad.sh; echo $?
echo 'echo from-stdin $0' | bash
sh lvs.sh
cd /
pwd
cd -`))).toBe(`$ cd /tmp/seed
$ cat > lvs.sh <<'EOF'
> #!/bin/bash
> case $1 in
>   start) echo "Starting LVS"; echo 1 > /tmp/seed/state;;
>   stop) echo "Stopping LVS";;
>   *) echo "Usage: $0 {start|stop}"; exit 1;;
> esac
> EOF
$ bash /tmp/seed/lvs.sh start
Starting LVS
$ ./lvs.sh
bash: ./lvs.sh: Permission denied
$ echo $?
126
$ chmod +x lvs.sh
$ ./lvs.sh
Usage: ./lvs.sh {start|stop}
$ echo $?
1
$ ./lvs.sh stop
Stopping LVS
$ /tmp/seed/lvs.sh start
Starting LVS
$ ./nosuch.sh
bash: ./nosuch.sh: No such file or directory
$ echo $?
127
$ mkdir d; ./d
bash: ./d: Is a directory
$ echo $?
126
$ printf 'echo line1\\nfoo\\necho $((2/0))\\necho after\\n' > err.sh; bash err.sh
line1
err.sh: line 2: foo: command not found
err.sh: line 3: 2/0: division by 0 (error token is "0")
after
$ printf 'echo "unterminated\\n' > bad.sh; bash bad.sh; echo $?
bad.sh: line 1: unexpected EOF while looking for matching \`"'
bad.sh: line 2: syntax error: unexpected end of file
2
$ echo 'echo from-stdin $0' | bash
from-stdin bash
$ sh lvs.sh
Usage: lvs.sh {start|stop}
$ cd /
$ pwd
/
$ cd -
/tmp/seed
`);
    expect(s.host.fs.readFile('/tmp/seed/state')).toBe('1\n');
  });
});

describe('Shell state and API', () => {
  it('keeps variables, cwd, functions, aliases and $? between execute() calls', () => {
    const s = session();
    s.run('X=5; f() { echo "f sees $X"; }; alias ll="echo listing"; cd /etc');
    expect(s.run('echo $X; f; pwd').out).toBe('5\nf sees 5\n/etc\n');
    expect(s.run('ll').out).toBe('listing\n');
    s.run('false');
    expect(s.run('echo $?').out).toBe('1\n');
    expect(s.shell.cwd).toBe('/etc');
    expect(s.shell.lastStatus).toBe(0);
    expect(s.shell.env.get('X')).toBe('5');
  });

  it('starts like a RHEL 9 root login', () => {
    const s = session();
    expect(s.shell.prompt()).toBe('[root@lvs ~]# ');
    expect(s.shell.ps2()).toBe('> ');
    s.run('cd /etc');
    expect(s.shell.prompt()).toBe('[root@lvs etc]# ');
    s.run('cd /');
    expect(s.shell.prompt()).toBe('[root@lvs /]# ');
    s.host.hostname = 'rs1.example.com';
    expect(s.shell.prompt()).toBe('[root@rs1 /]# ');
    expect(s.run('echo $HOME $USER $LOGNAME $SHELL $UID $EUID $SHLVL $BASH_VERSION $TERM $LANG $HISTSIZE').out)
      .toBe('/root root root /bin/bash 0 0 1 5.1.8(1)-release xterm-256color en_US.UTF-8 1000\n');
    expect(s.run('echo $PATH').out).toBe('/root/.local/bin:/root/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin\n');
    expect(s.run('alias').out).toBe("alias cp='cp -i'\nalias mv='mv -i'\nalias rm='rm -i'\n");
    expect(s.run('echo $-').out).toBe('himBH\n');
  });

  it('isComplete asks for continuation lines where bash shows PS2', () => {
    const s = session();
    const c = (x: string) => s.shell.isComplete(x);
    expect(c('echo hi')).toBe(true);
    expect(c('echo "abc')).toBe(false);
    expect(c("echo 'abc")).toBe(false);
    expect(c('echo $(ls')).toBe(false);
    expect(c('if true; then')).toBe(false);
    expect(c('if true; then\necho x\nfi')).toBe(true);
    expect(c('for i in 1 2; do')).toBe(false);
    expect(c('ls |')).toBe(false);
    expect(c('true &&')).toBe(false);
    expect(c('true ||')).toBe(false);
    expect(c('echo a \\')).toBe(false);
    expect(c('cat <<EOF\nline')).toBe(false);
    expect(c('cat <<EOF\nline\nEOF')).toBe(true);
    expect(c('f() {')).toBe(false);
    expect(c('case x in')).toBe(false);
    expect(c('(')).toBe(false);
    expect(c('[[ a == b')).toBe(false);
    // Syntax errors are complete: execute() reports them.
    expect(c('fi')).toBe(true);
    expect(c('echo )')).toBe(true);
  });

  it('reports an unterminated quote given as a whole program as bash 5.1 does', () => {
    const s = session();
    expect(s.run('echo "abc')).toEqual({
      out: "bash: unexpected EOF while looking for matching `\"'\nbash: syntax error: unexpected end of file\n",
      status: 2,
    });
    expect(s.run("echo 'abc").out).toBe("bash: unexpected EOF while looking for matching `''\nbash: syntax error: unexpected end of file\n");
    expect(s.run('echo $?').out).toBe('2\n');
    expect(s.run('if true').out).toBe('bash: syntax error: unexpected end of file\n');
    expect(s.run('echo >').out).toBe("bash: syntax error near unexpected token `newline'\n");
    expect(s.run('echo a > /nope/x').out).toBe('bash: /nope/x: No such file or directory\n');
    expect(s.run('x=""; echo a > $x').out).toBe('bash: $x: ambiguous redirect\n');
  });

  it('runs each line of a multi-line paste, continuing after a syntax error on the next line', () => {
    const s = session();
    expect(s.run('echo one\nfi\necho two').out).toBe("one\nbash: syntax error near unexpected token `fi'\ntwo\n");
  });

  it('exit ends the session and runs the EXIT trap', () => {
    const s = session();
    expect(s.run("trap 'echo bye' EXIT; exit 3")).toEqual({ out: 'exit\nbye\n', status: 3 });
    expect(s.shell.exited).toBe(3);
  });

  it('keeps a history list', () => {
    const s = session();
    s.shell.history.add('echo one');
    s.shell.history.add('echo one');
    s.shell.history.add('ls');
    expect(s.run('history').out).toBe('    1  echo one\n    2  ls\n');
    expect(s.run('history 1').out).toBe('    2  ls\n');
    s.run('history -c');
    expect(s.shell.history.list()).toEqual([]);
  });
});

describe('Ctrl-C', () => {
  it('stops `while true; do :; done` within one tick', () => {
    const s = session();
    const co = s.shell.execute('while true; do :; done; echo not reached');
    expect(co.next().value).toEqual({ kind: 'tick' });
    const r = co.throw(new ShellSignal('INT'));
    expect(r.done).toBe(true);
    expect(r.value).toBe(130);
    expect(s.output).toBe('');
    expect(s.run('echo $?').out).toBe('130\n');
  });

  it('yields a tick at least every TICK_EVERY steps', () => {
    const s = session();
    const co = s.shell.execute('for i in {1..5000}; do :; done');
    let ticks = 0;
    for (let r = co.next(); !r.done; r = co.next()) ticks++;
    expect(ticks).toBeGreaterThanOrEqual(Math.floor(5000 / TICK_EVERY));
  });

  it('headless: a runaway loop is interrupted by the step budget', () => {
    const s = session();
    const why: string[] = [];
    expect(s.run('while :; do :; done; echo no', { maxSteps: 50, onInterrupt: (w) => why.push(w) }).status).toBe(130);
    expect(why).toEqual(['runaway']);
  });

  it('headless: reading an empty terminal is interrupted (nothing can ever happen)', () => {
    const s = session();
    const why: string[] = [];
    expect(s.run('read x; echo got', { onInterrupt: (w) => why.push(w) })).toEqual({ out: '', status: 130 });
    expect(why).toEqual(['deadlock']);
  });

  it('read gets lines the terminal feeds', () => {
    const s = session();
    const stdin = s.shell.stdin as import('./streams.ts').TermIn;
    const p = s.procs.spawn(s.shell.execute('read -p "name? " n; echo "hello $n"'), { host: s.host });
    s.procs.runRound();
    expect(p.done).toBe(false);
    expect(s.output).toBe('name? ');
    stdin.feed('world\n');
    runUntilIdle(s.procs, s.sim);
    expect(s.output).toBe('name? hello world\n');
  });
});

describe('pipes', () => {
  it('ends writers of endless output when the reader exits (SIGPIPE)', () => {
    const s = session();
    expect(s.run('yes | head -n 3; echo ${PIPESTATUS[@]}').out).toBe('y\ny\ny\n141 0\n');
    expect(s.run('cat /dev/zero | head -c 10 | wc -c').out).toBe('10\n');
    expect(s.run('while true; do echo x; done | head -n 2').out).toBe('x\nx\n');
  });

  it('streams a gigabyte through a pipe in bounded memory', () => {
    const s = session();
    expect(s.run('yes | head -c 1G > /dev/null; echo $?').out).toBe('0\n');
  });

  it('passes simulation waits out of a pipeline', () => {
    const s = session();
    const t0 = s.sim.now();
    expect(s.run('{ sleep 2; echo late; } | cat').out).toBe('late\n');
    expect(s.sim.now() - t0).toBe(2_000_000);
  });

  it('runs stages in subshells', () => {
    const s = session();
    expect(s.run('x=1; echo 2 | read x; echo $x; echo a | { read y; echo "[$y]"; }').out).toBe('1\n[a]\n');
  });
});

describe('runaway protection', () => {
  it('deep recursion stops at FUNCNEST=1000', () => {
    const s = session();
    expect(s.run('f() { f; }; f; echo after')).toEqual({
      out: 'bash: f: maximum function nesting level exceeded (1000)\n', status: 1,
    });
    expect(s.run('g() { if (( $1 > 0 )); then g $(( $1 - 1 )); else echo bottom; fi; }; g 900').out).toBe('bottom\n');
  });

  it('the fork bomb burns out', () => {
    const s = session();
    const r = s.run(':(){ :|:& };:');
    expect(r.status).toBe(0);
    expect(r.out.startsWith('[1] ')).toBe(true);
    runUntilIdle(s.procs, s.sim);
    expect(s.procs.liveCount(s.host)).toBe(0);
    expect(s.output).toContain('bash: fork: retry: Resource temporarily unavailable\nbash: fork: Resource temporarily unavailable\n');
    // and the shell still works, forks included
    expect(s.run('echo $(echo ok) | cat').out).toBe('ok\n[1]+  Done                    : | :\n');
  });
});

describe('files, globbing, word splitting', () => {
  it('heredocs into files and expansions in them', () => {
    const s = session();
    s.run("name=web\ncat > /tmp/conf <<EOF\nserver $name\n  port $((8000+80))\nEOF\ncat >> /tmp/conf <<'RAW'\n$name stays\nRAW");
    expect(s.host.fs.readFile('/tmp/conf')).toBe('server web\n  port 8080\n$name stays\n');
  });

  it('globs against the Vfs, sorted like en_US; no match keeps the word', () => {
    const s = session();
    for (const f of ['b.txt', 'a.txt', 'C.txt', '.hidden.txt', 'x.log']) s.host.fs.writeFile(`/tmp/${f}`, '');
    expect(s.run('cd /tmp; echo *.txt; echo .*.txt; echo ?.log; echo [ab].txt; echo *.none; echo /tmp/*.log').out)
      .toBe('a.txt b.txt C.txt\n.hidden.txt\nx.log\na.txt b.txt\n*.none\n/tmp/x.log\n');
    expect(s.run('cd /tmp; f="*.txt"; echo "$f"; set -f; echo *.txt').out).toBe('*.txt\n*.txt\n');
  });

  it('splits unquoted expansions on IFS', () => {
    const s = session();
    expect(s.run('v="a  b\tc"; printf "[%s]" $v "$v"; echo; IFS=:; w="x::y"; printf "[%s]" $w; echo').out)
      .toBe('[a][b][c][a  b\tc]\n[x][][y]\n');
  });

  it('writes /proc files through their handlers', () => {
    const s = session();
    expect(s.run('echo 1 > /proc/sys/net/ipv4/ip_forward; cat /proc/sys/net/ipv4/ip_forward').out).toBe('1\n');
    expect(s.run('echo x > /proc/sys/net/ipv4/ip_forward').out).toBe('bash: echo: write error: Invalid argument\n');
  });
});

describe('command lookup', () => {
  it('finds registry commands along PATH by their install path', () => {
    const s = session();
    expect(s.run('type ls; ls / >/dev/null; type ls; type ipvsadm; type cd if').out)
      .toBe('ls is /usr/bin/ls\nls is hashed (/usr/bin/ls)\nipvsadm is /usr/sbin/ipvsadm\ncd is a shell builtin\nif is a shell keyword\n');
    expect(s.run('/usr/sbin/ipvsadm -Ln; /sbin/ipvsadm -L; /usr/bin/ipvsadm -v').out).toBe('ipvsadm -Ln\nipvsadm -L\nipvsadm -v\n');
    expect(s.run('which ipvsadm bash').out).toBe('/usr/sbin/ipvsadm\n/usr/bin/bash\n');
    expect(s.run('which nosuch; echo $?').out)
      .toBe('/usr/bin/which: no nosuch in (/root/.local/bin:/root/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin)\n1\n');
  });

  it('commands of packages not installed do not exist', () => {
    const s = session();
    expect(s.run('httpd; echo $?').out).toBe('bash: httpd: command not found\n127\n');
    s.host.packages.add('httpd');
    expect(s.run('httpd; echo $?').out).toBe('0\n');
    s.host.packages.delete('ipvsadm');
    s.run('hash -r');
    expect(s.run('ipvsadm -Ln').out).toBe('bash: ipvsadm: command not found\n');
  });

  it('respects PATH and runs executable scripts found on it', () => {
    const s = session();
    s.host.fs.writeFile('/usr/local/bin/hello', '#!/bin/bash\necho "hello from $0 $1"\n');
    s.host.fs.chmod('/usr/local/bin/hello', 0o755);
    expect(s.run('hello x').out).toBe('hello from /usr/local/bin/hello x\n');
    expect(s.run('PATH=/nowhere; ls; PATH=/usr/bin; ls /tmp >/dev/null && echo found').out).toBe('bash: ls: command not found\nfound\n');
  });

  it('functions shadow builtins and commands; command and builtin bypass them', () => {
    const s = session();
    expect(s.run('echo() { builtin echo "wrapped $*"; }; echo hi; command echo plain; unset -f echo; echo back').out)
      .toBe('wrapped hi\nplain\nback\n');
  });

  it('bash -c with arguments, and -x tracing', () => {
    const s = session();
    expect(s.run("bash -c 'echo $0 $1 $#; nosuch' zero one two").out).toBe('zero one 2\nzero: line 1: nosuch: command not found\n');
    expect(s.run("bash -x -c 'x=1; echo $x'").out).toBe('+ x=1\n+ echo 1\n1\n');
  });
});

describe('completion', () => {
  it('completes command names, paths and variables', () => {
    const s = session();
    s.run('mkdir -p /tmp/comp/dir; touch /tmp/comp/file1 /tmp/comp/file2; myfunc() { :; }');
    expect(s.shell.complete('ipv').candidates).toEqual(['ipvsadm']);
    expect(s.shell.complete('myf').candidates).toEqual(['myfunc']);
    expect(s.shell.complete('ec').candidates).toEqual(['echo']);
    expect(s.shell.complete('ls /tmp/comp/').candidates).toEqual(['/tmp/comp/dir/', '/tmp/comp/file1', '/tmp/comp/file2']);
    expect(s.shell.complete('cat /tmp/comp/f')).toEqual({ start: 4, end: 15, candidates: ['/tmp/comp/file1', '/tmp/comp/file2'] });
    expect(s.shell.complete('echo $HOS').candidates).toEqual(['$HOSTNAME', '$HOSTTYPE']);
    expect(s.shell.complete('ls | gr').candidates).toEqual(['grep']);
  });

  it('lets other code add completers', () => {
    const s = session();
    s.shell.addCompleter((ctx) => (ctx.words[0] === 'ipvsadm' && ctx.word.startsWith('-') ? ['-A', '-a', '-L', '-Ln'] : undefined));
    expect(s.shell.complete('ipvsadm -L').candidates).toEqual(['-L', '-Ln']);
    expect(s.shell.complete('ipvsadm /tm').candidates).toEqual(['/tmp/']);
  });
});

describe('proc drivers', () => {
  it('runToCompletion resolves sim waits through the SimDriver', () => {
    const s = session();
    const t0 = s.sim.now();
    expect(runToCompletion(s.shell.execute('sleep 3; echo done'), s.sim, { table: s.procs, host: s.host })).toBe(0);
    expect(s.sim.now() - t0).toBe(3_000_000);
  });

  it('runSlice steps processes for a real-time budget', () => {
    const s = session();
    let fake = 0;
    const clock = () => (fake += 1);
    s.procs.spawn(s.shell.execute('for i in {1..20000}; do :; done; echo finished'), { host: s.host });
    const r = s.procs.runSlice(clock, 5);
    expect(r.runnable).toBe(true);
    let guard = 0;
    while (s.procs.runSlice(clock, 5).runnable && guard++ < 1000) { /* more slices */ }
    expect(s.output).toBe('finished\n');
    const w = s.procs.runSlice(clock, 5);
    expect(w).toMatchObject({ runnable: false, waiting: 0 });
  });

  it('reports processes waiting on the clock', () => {
    const s = session();
    s.procs.spawn(s.shell.execute('sleep 10'), { host: s.host });
    const r = s.procs.runSlice(() => 0, 5);
    expect(r).toMatchObject({ runnable: false, waiting: 1, nextUntil: s.sim.now() + 10_000_000 });
  });
});

describe('more language features', () => {
  it('process substitution <(...) through a temporary file that is removed afterwards', () => {
    const s = session();
    expect(s.run('cat <(echo one; echo two); while read l; do echo "[$l]"; done < <(printf "a\\nb\\n"); ls /tmp').out)
      .toBe('one\ntwo\n[a]\n[b]\n');
  });

  it('read -t gives up after the timeout in virtual time', () => {
    const s = session();
    const t0 = s.sim.now();
    expect(s.run('read -t 2 x; echo "st=$?"').out).toBe('st=142\n');
    expect(s.sim.now() - t0).toBe(2_000_000);
  });

  it('time reports elapsed virtual time', () => {
    const s = session();
    expect(s.run('time sleep 1.5').out).toBe('\nreal\t0m1.500s\nuser\t0m0.000s\nsys\t0m0.000s\n');
  });

  it('hash counts lookups', () => {
    const s = session();
    expect(s.run('hash; ls >/dev/null; ls >/dev/null; hash').out).toBe('hash: hash table empty\nhits\tcommand\n   2\t/usr/bin/ls\n');
  });

  it('nested interactive bash reads the terminal', () => {
    const s = session();
    const stdin = s.shell.stdin as import('./streams.ts').TermIn;
    stdin.feed('echo inner $SHLVL\n');
    stdin.feed('exit 4\n');
    expect(s.run('bash; echo "back $?"').out).toBe('[root@lvs ~]# inner 2\n[root@lvs ~]# exit\nback 4\n');
  });
});
