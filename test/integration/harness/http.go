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

package harness

import (
	"crypto/tls"
	"io"
	"net/http"
	"strconv"
	"time"
)

var insecureClient = &http.Client{
	Timeout: 5 * time.Second,
	// The scheduler serves a self-signed certificate from --cert-dir.
	Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, //nolint:gosec // test-only loopback
}

// Get fetches a path from the scheduler's secure port with the admin token,
// returning the status code and body.
func (s *Scheduler) Get(path string) (int, string, error) {
	req, err := http.NewRequest(http.MethodGet, "https://127.0.0.1:"+strconv.Itoa(s.Port)+path, nil)
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Authorization", "Bearer "+AdminToken)
	resp, err := insecureClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}
