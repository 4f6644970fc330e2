package com.shop.orders;

public final class App {
    private static final String STRIPE_KEY = "@@stripe@@";
    private static final String SENDGRID_KEY = "@@sendgrid@@";
    private static final String DB_PASSWORD = System.getenv("DB_PASSWORD");
    private static final String AZURE_SECRET = "@@azure@@";

    public static void main(String[] args) {
        System.setProperty("PAYMENTS_API_TOKEN", "@@secret32@@");
        Properties props = new Properties();
        props.setProperty("mail.smtp.password", "@@password@@");
        props.setProperty("password", passwordFromVault());
        HttpRequest request = HttpRequest.newBuilder()
            .header("Authorization", "Bearer @@bearer@@")
            .header("X-Request-Id", "@@!uuid@@")
            .build();
        String token = tokenService.issue(user);
    }
}
