package tornet

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"
)

// stopGrace is how long a process gets between SIGTERM and SIGKILL.
// (An authority was once seen ignoring SIGTERM for more than 10 s.)
const stopGrace = 5 * time.Second

// proc is one child process in its own process group. The group is killed
// on Stop; Pdeathsig kills the child if the test binary dies first.
type proc struct {
	name    string
	cmd     *exec.Cmd
	exited  chan struct{} // closed when Wait returns
	waitErr error         // valid after exited is closed
	stop    sync.Once
}

// startProc starts cmd in a new process group with Pdeathsig=SIGKILL.
func startProc(name string, cmd *exec.Cmd) (*proc, error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	// Pdeathsig fires when the creating OS thread exits; keep this goroutine
	// on one thread for Start, and never exit it while locked, so the
	// thread lives as long as the process.
	runtime.LockOSThread()
	err := cmd.Start()
	runtime.UnlockOSThread()
	if err != nil {
		return nil, fmt.Errorf("tornet: start %s: %w", name, err)
	}
	p := &proc{name: name, cmd: cmd, exited: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

// pid returns the process id.
func (p *proc) pid() int { return p.cmd.Process.Pid }

// running reports whether the process has not exited yet.
func (p *proc) running() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// Stop sends SIGTERM to the process group, then SIGKILL after grace, and
// waits for the process to be reaped. It reports whether SIGKILL was needed.
func (p *proc) Stop(grace time.Duration) (killed bool) {
	p.stop.Do(func() {
		pgid := p.pid() // Setpgid: the group id is the leader's pid
		if p.running() {
			_ = syscall.Kill(-pgid, syscall.SIGTERM)
		}
		t := time.NewTimer(grace)
		defer t.Stop()
		select {
		case <-p.exited:
		case <-t.C:
			// SIGKILL the whole group (tor forks no children, but be sure).
			killed = true
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			<-p.exited
		}
	})
	return killed
}

// run runs a short helper command and returns its combined output.
func run(name string, stdin string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("tornet: %s %s: %w: %s", name, strings.Join(args[:min(len(args), 2)], " "), err, lastLines(out.String(), 5))
	}
	return out.String(), nil
}

// tail returns the last n lines of the file at path ("" if unreadable).
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "(no log yet)"
		}
		return "(" + err.Error() + ")"
	}
	return lastLines(string(b), n)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
