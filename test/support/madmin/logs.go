// The log command: madmin's GetLogs (mc admin logs) collecting entries until `count` arrived, one
// whose console message contains `until` arrived, or `seconds` passed; a server error ends it
// with that error.
package main

import (
	"context"
	"strings"
	"time"

	madmin "github.com/minio/madmin-go"
)

func logCommands() map[string]handler {
	return map[string]handler{
		// {node, limit, logType, count, until, seconds}
		"log": func(c *call) (interface{}, error) {
			a := argsOf[struct {
				Node    string  `json:"node"`
				Limit   int     `json:"limit"`
				LogType string  `json:"logType"`
				Count   int     `json:"count"`
				Until   string  `json:"until"`
				Seconds float64 `json:"seconds"`
			}](c)
			wait := time.Duration(a.Seconds * float64(time.Second))
			if wait <= 0 {
				wait = 20 * time.Second
			}
			ctx, cancel := context.WithTimeout(c.ctx, wait)
			defer cancel()
			out := []madmin.LogInfo{}
			for info := range c.adm.GetLogs(ctx, a.Node, a.Limit, a.LogType) {
				if info.Err != nil {
					if ctx.Err() != nil {
						break
					}
					return nil, info.Err
				}
				out = append(out, info)
				if a.Until != "" && strings.Contains(info.ConsoleMsg, a.Until) {
					break
				}
				if a.Count > 0 && len(out) >= a.Count {
					break
				}
			}
			return out, nil
		},
	}
}
