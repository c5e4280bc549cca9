// STS calls through minio-go's credential providers (AssumeRole, LDAP, web identity), and tools
// for tests: a raw signed admin request, and madmin's EncryptData/DecryptData on their own.
package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	madmin "github.com/minio/madmin-go"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// stsResult is the temporary credential a provider hands back.
type stsResult struct {
	AccessKey    string `json:"accessKey"`
	SecretKey    string `json:"secretKey"`
	SessionToken string `json:"sessionToken"`
}

func retrieve(p credentials.Provider) (interface{}, error) {
	v, err := p.Retrieve()
	if err != nil {
		return nil, err
	}
	return stsResult{v.AccessKeyID, v.SecretAccessKey, v.SessionToken}, nil
}

func stsCommands() map[string]handler {
	return map[string]handler{
		// Signed by the caller's keys (SigV4, service "sts"); durationSeconds below 3600 is sent as 3600.
		"assume-role": func(c *call) (interface{}, error) {
			a := argsOf[struct {
				Policy          string `json:"policy"`
				DurationSeconds int    `json:"durationSeconds"`
				Location        string `json:"location"`
			}](c)
			return retrieve(&credentials.STSAssumeRole{
				Client: c.http, STSEndpoint: c.endpoint.String(),
				Options: credentials.STSAssumeRoleOptions{
					AccessKey: c.accessKey, SecretKey: c.secretKey,
					Policy: a.Policy, DurationSeconds: a.DurationSeconds, Location: a.Location,
				},
			})
		},
		// Unsigned; the caller's keys are not used.
		"assume-role-ldap": func(c *call) (interface{}, error) {
			a := argsOf[struct {
				Username        string `json:"username"`
				Password        string `json:"password"`
				Policy          string `json:"policy"`
				DurationSeconds int    `json:"durationSeconds"`
			}](c)
			return retrieve(&credentials.LDAPIdentity{
				Client: c.http, STSEndpoint: c.endpoint.String(),
				LDAPUsername: a.Username, LDAPPassword: a.Password, Policy: a.Policy,
				RequestedExpiry: time.Duration(a.DurationSeconds) * time.Second,
			})
		},
		// Unsigned; the caller's keys are not used.
		"assume-role-web-identity": func(c *call) (interface{}, error) {
			a := argsOf[struct {
				Token           string `json:"token"`
				AccessToken     string `json:"accessToken"`
				DurationSeconds int    `json:"durationSeconds"`
				RoleArn         string `json:"roleArn"`
			}](c)
			return retrieve(&credentials.STSWebIdentity{
				Client: c.http, STSEndpoint: c.endpoint.String(), RoleARN: a.RoleArn,
				GetWebIDTokenExpiry: func() (*credentials.WebIdentityToken, error) {
					return &credentials.WebIdentityToken{Token: a.Token, AccessToken: a.AccessToken, Expiry: a.DurationSeconds}, nil
				},
			})
		},
	}
}

// rawResult is a response as it came: status, headers and body (text and base64), plus the body
// decrypted with the caller's secret key when asked.
type rawResult struct {
	Status       int               `json:"status"`
	Headers      map[string]string `json:"headers"`
	Body         string            `json:"body"`
	BodyBase64   string            `json:"bodyBase64"`
	Decrypted    *string           `json:"decrypted,omitempty"`
	DecryptError string            `json:"decryptError,omitempty"`
}

func rawRequest(c *call) (interface{}, error) {
	a := argsOf[struct {
		Method string `json:"method"`
		// Path is relative to /minio/admin, e.g. "/v3/list-users".
		Path            string            `json:"path"`
		Query           map[string]string `json:"query"`
		Headers         map[string]string `json:"headers"`
		Body            string            `json:"body"`
		EncryptBody     bool              `json:"encryptBody"`
		DecryptResponse bool              `json:"decryptResponse"`
	}](c)
	body := []byte(a.Body)
	if a.EncryptBody {
		enc, err := madmin.EncryptData(c.secretKey, body)
		if err != nil {
			return nil, err
		}
		body = enc
	}
	q := url.Values{}
	for k, v := range a.Query {
		q.Set(k, v)
	}
	h := http.Header{}
	for k, v := range a.Headers {
		h.Set(k, v)
	}
	resp, err := c.adm.ExecuteMethod(c.ctx, a.Method, madmin.RequestData{CustomHeaders: h, QueryValues: q, RelPath: a.Path, Content: body})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	r := rawResult{Status: resp.StatusCode, Headers: map[string]string{}, Body: string(got), BodyBase64: base64.StdEncoding.EncodeToString(got)}
	for k := range resp.Header {
		r.Headers[k] = resp.Header.Get(k)
	}
	if a.DecryptResponse {
		if plain, err := madmin.DecryptData(c.secretKey, bytes.NewReader(got)); err != nil {
			r.DecryptError = err.Error()
		} else {
			s := string(plain)
			r.Decrypted = &s
		}
	}
	return r, nil
}

type cryptArgs struct {
	// Password defaults to the caller's secret key (what madmin uses).
	Password string `json:"password"`
	Data     string `json:"data"`
}

func toolCommands() map[string]handler {
	password := func(c *call, a cryptArgs) string {
		if a.Password != "" {
			return a.Password
		}
		return c.secretKey
	}
	return map[string]handler{
		// {method, path, query?, headers?, body?, encryptBody?, decryptResponse?}: any admin call.
		"raw": rawRequest,
		// Local only (no request): data (text) → ciphertext (base64).
		"encrypt-data": func(c *call) (interface{}, error) {
			a := argsOf[cryptArgs](c)
			enc, err := madmin.EncryptData(password(c, a), []byte(a.Data))
			return base64.StdEncoding.EncodeToString(enc), err
		},
		// Local only (no request): data (base64 ciphertext) → text.
		"decrypt-data": func(c *call) (interface{}, error) {
			a := argsOf[cryptArgs](c)
			b, err := base64.StdEncoding.DecodeString(a.Data)
			if err != nil {
				usage(fmt.Sprintf("bad arguments for %s: data is not base64: %v", c.name, err))
			}
			plain, err := madmin.DecryptData(password(c, a), bytes.NewReader(b))
			return string(plain), err
		},
	}
}
