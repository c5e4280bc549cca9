// madmin-client: a one-shot command-line wrapper around madmin-go 2.0.7 for our tests. It makes
// one admin (or STS) call the way MinIO's own client library makes it and prints one JSON line.
//
// Usage: madmin-client <endpoint-url> <accessKey> <secretKey> <command> [<json-args>]
//
// Output: {"ok":true,"result":<value>} or {"ok":false,"error":{"code","message","status"}};
// the exit code is 0 for both, 2 for usage errors (unknown command, malformed arguments).
//
// Built in GOPATH mode against Debian's packages (see test/support/madmin-client.ts):
//
//	GO111MODULE=off GOPATH=<tmp>:/usr/share/gocode go build -o madmin-client .
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	// The directory is github.com/minio/madmin-go; its go.mod says /v2, which GOPATH mode ignores.
	madmin "github.com/minio/madmin-go"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// call is everything a command needs: the client, the raw arguments and the caller's keys.
type call struct {
	name      string
	ctx       context.Context
	adm       *madmin.AdminClient
	args      json.RawMessage
	endpoint  *url.URL
	accessKey string
	secretKey string
	// http is the client the STS providers use; it shares the status recorder.
	http *http.Client
}

// handler runs one command; its result is marshalled as it is (madmin's own structs).
type handler func(c *call) (interface{}, error)

// failure is the error half of the output line.
type failure struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Status  int    `json:"status"`
}

type output struct {
	OK     bool        `json:"ok"`
	Result interface{} `json:"result,omitempty"`
	Error  *failure    `json:"error,omitempty"`
}

// okOutput always carries "result", even when it is null.
type okOutput struct {
	OK     bool        `json:"ok"`
	Result interface{} `json:"result"`
}

// statusRecorder remembers the HTTP status of the last response: madmin's ErrorResponse does
// not carry it, and tests assert on it.
type statusRecorder struct {
	base http.RoundTripper
	mu   sync.Mutex
	last int
}

func (s *statusRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := s.base.RoundTrip(r)
	if resp != nil {
		s.mu.Lock()
		s.last = resp.StatusCode
		s.mu.Unlock()
	}
	return resp, err
}

func (s *statusRecorder) status() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

// commands merges every family's table.
func commands() map[string]handler {
	all := map[string]handler{}
	families := []map[string]handler{
		userCommands(), groupCommands(), serviceAccountCommands(),
		cannedPolicyCommands(), policyMappingCommands(), idpCommands(),
		infoCommands(), healCommands(), configCommands(), serviceCommands(),
		iamCommands(), quotaCommands(), poolCommands(), rebalanceCommands(),
		stsCommands(), toolCommands(), traceCommands(), logCommands(),
		kmsCommands(),
	}
	for _, f := range families {
		for name, h := range f {
			all[name] = h
		}
	}
	return all
}

func usage(msg string) {
	fmt.Fprintln(os.Stderr, "madmin-client: "+msg)
	fmt.Fprintln(os.Stderr, "usage: madmin-client <endpoint-url> <accessKey> <secretKey> <command> [<json-args>]")
	os.Exit(2)
}

func main() {
	if len(os.Args) == 2 && os.Args[1] == "commands" {
		names := []string{}
		for name := range commands() {
			names = append(names, name)
		}
		sort.Strings(names)
		fmt.Println(strings.Join(names, "\n"))
		return
	}
	if len(os.Args) < 5 || len(os.Args) > 6 {
		usage("wrong number of arguments")
	}
	endpoint, err := url.Parse(os.Args[1])
	if err != nil || (endpoint.Scheme != "http" && endpoint.Scheme != "https") || endpoint.Host == "" {
		usage(fmt.Sprintf("endpoint %q is not an http(s)://host:port URL", os.Args[1]))
	}
	name := os.Args[4]
	h, found := commands()[name]
	if !found {
		usage(fmt.Sprintf("unknown command %q (run `madmin-client commands` for the list)", name))
	}
	var args json.RawMessage
	if len(os.Args) == 6 {
		if !json.Valid([]byte(os.Args[5])) {
			usage(fmt.Sprintf("arguments for %s are not valid JSON: %s", name, os.Args[5]))
		}
		args = json.RawMessage(os.Args[5])
	}

	// One attempt per call: madmin retries 503s and network errors for minutes otherwise.
	madmin.MaxRetry = 1
	secure := endpoint.Scheme == "https"
	adm, err := madmin.New(endpoint.Host, os.Args[2], os.Args[3], secure)
	if err != nil {
		usage(fmt.Sprintf("cannot make a client for %q: %v", endpoint.Host, err))
	}
	rec := &statusRecorder{base: madmin.DefaultTransport(secure)}
	adm.SetCustomTransport(rec)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := &call{
		name: name, ctx: ctx, adm: adm, args: args, endpoint: endpoint,
		accessKey: os.Args[2], secretKey: os.Args[3],
		http: &http.Client{Transport: rec},
	}
	result, err := h(c)
	if err != nil {
		emit(output{OK: false, Error: describe(err, rec.status())})
		return
	}
	emit(okOutput{OK: true, Result: result})
}

func emit(v interface{}) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		buf.Reset()
		enc.Encode(output{OK: false, Error: &failure{Code: "ClientError", Message: "cannot encode the result: " + err.Error()}})
	}
	os.Stdout.Write(buf.Bytes())
}

// describe turns any error into code/message/status: the server's own code where madmin or
// minio-go parsed one, "Timeout" or "ClientError" (with status 0 when no response came) otherwise.
func describe(err error, status int) *failure {
	if e := madmin.ToErrorResponse(err); e.Code != "" {
		return &failure{Code: e.Code, Message: e.Message, Status: status}
	}
	var sts credentials.ErrorResponse
	if errors.As(err, &sts) {
		return &failure{Code: sts.STSError.Code, Message: sts.STSError.Message, Status: status}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &failure{Code: "Timeout", Message: err.Error(), Status: status}
	}
	return &failure{Code: "ClientError", Message: err.Error(), Status: status}
}

// argsOf decodes the command's JSON arguments into T; unknown fields are a usage error so a
// misspelt argument cannot silently turn into an empty one.
func argsOf[T any](c *call) T {
	var v T
	if len(c.args) == 0 {
		return v
	}
	dec := json.NewDecoder(bytes.NewReader(c.args))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		usage(fmt.Sprintf("bad arguments for %s: %v", c.name, err))
	}
	return v
}

// jsonDoc accepts a JSON document either inline (an object) or as a string holding the JSON,
// and yields the document's bytes (policies are sent as raw JSON).
type jsonDoc []byte

func (d *jsonDoc) UnmarshalJSON(b []byte) error {
	var s string
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*d = []byte(s)
		return nil
	}
	*d = append([]byte(nil), b...)
	return nil
}

// raw returns the document as json.RawMessage, nil when absent.
func (d jsonDoc) raw() json.RawMessage {
	if len(d) == 0 {
		return nil
	}
	return json.RawMessage(d)
}

// bytesResult shows a byte payload as JSON when it is JSON, as a string otherwise.
func bytesResult(b []byte) interface{} {
	if json.Valid(b) {
		return json.RawMessage(b)
	}
	return string(b)
}
