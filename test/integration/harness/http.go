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
