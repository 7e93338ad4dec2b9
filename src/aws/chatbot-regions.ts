/** Where the AWS Chatbot API answers (its service documentation in the model). */
export const CHATBOT_REGIONS = ['us-east-2', 'us-west-2', 'ap-southeast-1', 'eu-west-1'];
