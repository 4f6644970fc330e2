package main

import "os"

const slackWebhook = "@@slack_webhook@@"
const openrouterKey = "@@openrouter@@"

var apiToken = os.Getenv("API_TOKEN")

func client() *Client {
	return &Client{
		APIKey:   "@@secret32@@",
		Password: "@@paren_password@@",
		Token:    "@@jwt@@",
		Commit:   "@@!sha1@@",
		BaseURL:  "https://api:@@password@@@partner.example.org/v1",
	}
}

var secretKey = []byte(os.Getenv("SECRET_KEY"))
