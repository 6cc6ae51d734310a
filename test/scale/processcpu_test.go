/*
Copyright The ha-scheduler Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package scale

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuSeconds is the CPU time used so far by the benchmark process (the API
// server, the scheduler and the pod creators, sharing the machine's cores)
// and by the whole machine (with etcd, a process of its own). Per pod
// scheduled, they are a cost that does not depend on how the phase's
// throughput was spread over the seconds it ran.
type cpuSeconds struct {
	process float64
	// machine is 0 where /proc/stat cannot be read (not Linux).
	machine float64
}

func readCPUSeconds() (cpuSeconds, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return cpuSeconds{}, fmt.Errorf("getrusage: %w", err)
	}
	c := cpuSeconds{process: (time.Duration(ru.Utime.Nano()) + time.Duration(ru.Stime.Nano())).Seconds()}
	m, err := machineBusySeconds("/proc/stat")
	if err != nil && !os.IsNotExist(err) {
		return cpuSeconds{}, err
	}
	c.machine = m
	return c, nil
}

// machineBusySeconds sums the busy fields of /proc/stat's "cpu" line
// (user, nice, system, irq, softirq, steal: all but idle and iowait), in
// the kernel's clock ticks of 1/100 s (USER_HZ, fixed at 100 for user
// space on Linux).
func machineBusySeconds(path string) (float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 9 || fields[0] != "cpu" {
			continue
		}
		var busy uint64
		for i, f := range fields[1:9] {
			if i == 3 || i == 4 { // idle, iowait
				continue
			}
			v, err := strconv.ParseUint(f, 10, 64)
			if err != nil {
				return 0, fmt.Errorf("%s: field %d of the cpu line: %w", path, i+1, err)
			}
			busy += v
		}
		return float64(busy) / 100, nil
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	return 0, fmt.Errorf("%s: no cpu line", path)
}
