// Policy commands: canned policies, mapping them to users and groups (built-in and LDAP), and
// the identity-provider configuration calls.
package main

import madmin "github.com/minio/madmin-go"

type nameArgs struct {
	Name string `json:"name"`
}

// associationArgs is madmin.PolicyAssociationReq: {policies, user?} or {policies, group?}.
type associationArgs = madmin.PolicyAssociationReq

type entitiesArgs struct {
	Users    []string `json:"users"`
	Groups   []string `json:"groups"`
	Policies []string `json:"policies"`
}

func (a entitiesArgs) query() madmin.PolicyEntitiesQuery {
	return madmin.PolicyEntitiesQuery{Users: a.Users, Groups: a.Groups, Policy: a.Policies}
}

func cannedPolicyCommands() map[string]handler {
	return map[string]handler{
		// policy: the document as a JSON object, or a string holding it (sent as is).
		"add-canned-policy": func(c *call) (interface{}, error) {
			a := argsOf[struct {
				Name   string  `json:"name"`
				Policy jsonDoc `json:"policy"`
			}](c)
			return nil, c.adm.AddCannedPolicy(c.ctx, a.Name, a.Policy)
		},
		"remove-canned-policy": func(c *call) (interface{}, error) {
			return nil, c.adm.RemoveCannedPolicy(c.ctx, argsOf[nameArgs](c).Name)
		},
		"list-canned-policies": func(c *call) (interface{}, error) {
			return c.adm.ListCannedPolicies(c.ctx)
		},
		// The v=2 form mc uses: PolicyInfo {PolicyName, Policy, CreateDate?, UpdateDate?}.
		"info-canned-policy": func(c *call) (interface{}, error) {
			return c.adm.InfoCannedPolicyV2(c.ctx, argsOf[nameArgs](c).Name)
		},
		// The older form: the bare policy document.
		"info-canned-policy-v1": func(c *call) (interface{}, error) {
			b, err := c.adm.InfoCannedPolicy(c.ctx, argsOf[nameArgs](c).Name)
			if err != nil {
				return nil, err
			}
			return bytesResult(b), nil
		},
	}
}

func policyMappingCommands() map[string]handler {
	return map[string]handler{
		// policy may name several policies separated by commas, as MinIO reads it.
		"set-policy": func(c *call) (interface{}, error) {
			a := argsOf[struct {
				Policy  string `json:"policy"`
				Entity  string `json:"entity"`
				IsGroup bool   `json:"isGroup"`
			}](c)
			return nil, c.adm.SetPolicy(c.ctx, a.Policy, a.Entity, a.IsGroup)
		},
		"attach-policy": func(c *call) (interface{}, error) {
			return nil, c.adm.AttachPolicy(c.ctx, argsOf[associationArgs](c))
		},
		"detach-policy": func(c *call) (interface{}, error) {
			return nil, c.adm.DetachPolicy(c.ctx, argsOf[associationArgs](c))
		},
		"get-policy-entities": func(c *call) (interface{}, error) {
			return c.adm.GetPolicyEntities(c.ctx, argsOf[entitiesArgs](c).query())
		},
		"attach-policy-ldap": func(c *call) (interface{}, error) {
			return c.adm.AttachPolicyLDAP(c.ctx, argsOf[associationArgs](c))
		},
		"detach-policy-ldap": func(c *call) (interface{}, error) {
			return c.adm.DetachPolicyLDAP(c.ctx, argsOf[associationArgs](c))
		},
		"get-ldap-policy-entities": func(c *call) (interface{}, error) {
			return c.adm.GetLDAPPolicyEntities(c.ctx, argsOf[entitiesArgs](c).query())
		},
	}
}

type idpArgs struct {
	// Type is "ldap" or "openid".
	Type string `json:"type"`
	// Name defaults to "_" (the default configuration) in madmin.
	Name string `json:"name"`
	// Config is the "key=value key=value" text of an add or update.
	Config string `json:"config"`
	Update bool   `json:"update"`
}

// restartResult is the answer of the configuration calls: whether a restart is needed.
type restartResult struct {
	Restart bool `json:"restart"`
}

func idpCommands() map[string]handler {
	return map[string]handler{
		"add-idp-config": func(c *call) (interface{}, error) {
			a := argsOf[idpArgs](c)
			restart, err := c.adm.AddOrUpdateIDPConfig(c.ctx, a.Type, a.Name, a.Config, a.Update)
			return restartResult{restart}, err
		},
		"get-idp-config": func(c *call) (interface{}, error) {
			a := argsOf[idpArgs](c)
			return c.adm.GetIDPConfig(c.ctx, a.Type, a.Name)
		},
		"list-idp-config": func(c *call) (interface{}, error) {
			return c.adm.ListIDPConfig(c.ctx, argsOf[idpArgs](c).Type)
		},
		"delete-idp-config": func(c *call) (interface{}, error) {
			a := argsOf[idpArgs](c)
			restart, err := c.adm.DeleteIDPConfig(c.ctx, a.Type, a.Name)
			return restartResult{restart}, err
		},
	}
}
