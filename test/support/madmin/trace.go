// The trace command: madmin's ServiceTrace (mc admin trace) collecting the first `count` traces,
// or whatever arrived within `seconds`; a server error ends it with that error.
package main

import (
	"context"
	"time"

	madmin "github.com/minio/madmin-go"
)

func traceCommands() map[string]handler {
	return map[string]handler{
		"trace": func(c *call) (interface{}, error) {
			a := argsOf[struct {
				S3         bool    `json:"s3"`
				Internal   bool    `json:"internal"`
				OnlyErrors bool    `json:"onlyErrors"`
				Threshold  string  `json:"threshold"`
				Count      int     `json:"count"`
				Seconds    float64 `json:"seconds"`
			}](c)
			opts := madmin.ServiceTraceOpts{S3: a.S3, Internal: a.Internal, OnlyErrors: a.OnlyErrors}
			if a.Threshold != "" {
				d, err := time.ParseDuration(a.Threshold)
				if err != nil {
					usage("bad threshold: " + err.Error())
				}
				opts.Threshold = d
			}
			wait := time.Duration(a.Seconds * float64(time.Second))
			if wait <= 0 {
				wait = 20 * time.Second
			}
			ctx, cancel := context.WithTimeout(c.ctx, wait)
			defer cancel()
			out := []madmin.TraceInfo{}
			for info := range c.adm.ServiceTrace(ctx, opts) {
				if info.Err != nil {
					if ctx.Err() != nil {
						break
					}
					return nil, info.Err
				}
				out = append(out, info.Trace)
				if a.Count > 0 && len(out) >= a.Count {
					break
				}
			}
			return out, nil
		},
	}
}
