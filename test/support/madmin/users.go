// Identity commands: built-in users, groups, service accounts and the caller's own account.
package main

import madmin "github.com/minio/madmin-go"

type accessKeyArgs struct {
	AccessKey string `json:"accessKey"`
}

func userCommands() map[string]handler {
	return map[string]handler{
		"add-user": func(c *call) (interface{}, error) {
			a := argsOf[struct {
				AccessKey string `json:"accessKey"`
				SecretKey string `json:"secretKey"`
			}](c)
			return nil, c.adm.AddUser(c.ctx, a.AccessKey, a.SecretKey)
		},
		// set-user is AddUser with an explicit status (the same add-user call underneath).
		"set-user": func(c *call) (interface{}, error) {
			a := argsOf[struct {
				AccessKey string `json:"accessKey"`
				SecretKey string `json:"secretKey"`
				Status    string `json:"status"`
			}](c)
			return nil, c.adm.SetUser(c.ctx, a.AccessKey, a.SecretKey, madmin.AccountStatus(a.Status))
		},
		"remove-user": func(c *call) (interface{}, error) {
			return nil, c.adm.RemoveUser(c.ctx, argsOf[accessKeyArgs](c).AccessKey)
		},
		"list-users": func(c *call) (interface{}, error) {
			return c.adm.ListUsers(c.ctx)
		},
		"user-info": func(c *call) (interface{}, error) {
			return c.adm.GetUserInfo(c.ctx, argsOf[accessKeyArgs](c).AccessKey)
		},
		"set-user-status": func(c *call) (interface{}, error) {
			a := argsOf[struct {
				AccessKey string `json:"accessKey"`
				Status    string `json:"status"`
			}](c)
			return nil, c.adm.SetUserStatus(c.ctx, a.AccessKey, madmin.AccountStatus(a.Status))
		},
		"account-info": func(c *call) (interface{}, error) {
			a := argsOf[struct {
				PrefixUsage bool `json:"prefixUsage"`
			}](c)
			return c.adm.AccountInfo(c.ctx, madmin.AccountOpts{PrefixUsage: a.PrefixUsage})
		},
		"temporary-account-info": func(c *call) (interface{}, error) {
			return c.adm.TemporaryAccountInfo(c.ctx, argsOf[accessKeyArgs](c).AccessKey)
		},
	}
}

func groupCommands() map[string]handler {
	return map[string]handler{
		// Arguments are madmin.GroupAddRemove as JSON: {group, members, isRemove, groupStatus?}.
		"update-group-members": func(c *call) (interface{}, error) {
			return nil, c.adm.UpdateGroupMembers(c.ctx, argsOf[madmin.GroupAddRemove](c))
		},
		"group-info": func(c *call) (interface{}, error) {
			a := argsOf[struct {
				Group string `json:"group"`
			}](c)
			return c.adm.GetGroupDescription(c.ctx, a.Group)
		},
		"list-groups": func(c *call) (interface{}, error) {
			return c.adm.ListGroups(c.ctx)
		},
		"set-group-status": func(c *call) (interface{}, error) {
			a := argsOf[struct {
				Group  string `json:"group"`
				Status string `json:"status"`
			}](c)
			return nil, c.adm.SetGroupStatus(c.ctx, a.Group, madmin.GroupStatus(a.Status))
		},
	}
}

func serviceAccountCommands() map[string]handler {
	return map[string]handler{
		// 2.0.7's AddServiceAccountReq has no name, description or expiration: comment only.
		"add-service-account": func(c *call) (interface{}, error) {
			a := argsOf[struct {
				Policy     jsonDoc `json:"policy"`
				TargetUser string  `json:"targetUser"`
				AccessKey  string  `json:"accessKey"`
				SecretKey  string  `json:"secretKey"`
				Comment    string  `json:"comment"`
			}](c)
			return c.adm.AddServiceAccount(c.ctx, madmin.AddServiceAccountReq{
				Policy: a.Policy.raw(), TargetUser: a.TargetUser, AccessKey: a.AccessKey, SecretKey: a.SecretKey, Comment: a.Comment,
			})
		},
		"update-service-account": func(c *call) (interface{}, error) {
			a := argsOf[struct {
				AccessKey    string  `json:"accessKey"`
				NewPolicy    jsonDoc `json:"newPolicy"`
				NewSecretKey string  `json:"newSecretKey"`
				NewStatus    string  `json:"newStatus"`
				NewComment   string  `json:"newComment"`
			}](c)
			return nil, c.adm.UpdateServiceAccount(c.ctx, a.AccessKey, madmin.UpdateServiceAccountReq{
				NewPolicy: a.NewPolicy.raw(), NewSecretKey: a.NewSecretKey, NewStatus: a.NewStatus, NewComment: a.NewComment,
			})
		},
		"info-service-account": func(c *call) (interface{}, error) {
			return c.adm.InfoServiceAccount(c.ctx, argsOf[accessKeyArgs](c).AccessKey)
		},
		"list-service-accounts": func(c *call) (interface{}, error) {
			a := argsOf[struct {
				User string `json:"user"`
			}](c)
			return c.adm.ListServiceAccounts(c.ctx, a.User)
		},
		"delete-service-account": func(c *call) (interface{}, error) {
			return nil, c.adm.DeleteServiceAccount(c.ctx, argsOf[accessKeyArgs](c).AccessKey)
		},
	}
}
