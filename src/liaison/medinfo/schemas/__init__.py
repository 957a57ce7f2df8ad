"""API schemas of medical information, by subject (inquiries, responses, answers,
reports): shapes only, separate in and out per operation; the rules are the
services'. Every name starts with the app's nouns (``Inquiry``, ``StandardResponse``,
``ResponseVersion``): the OpenAPI document holds one schema per name across apps."""
