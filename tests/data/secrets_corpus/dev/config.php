<?php
$config = [];
$config['db_password'] = '@@password@@';
$config['api_key'] => '@@secret32@@';
$token = 'tok_';
$token .= '@@secret32@@';
$secret = getenv('APP_SECRET');
$password = $_POST['password'];
define('STRIPE_SECRET', '@@stripe@@');
define('MAILGUN_KEY', '@@mailgun@@');
$placeholder_password = 'your_password_here';
